"""站点与人员: the unit tree, the staff table, their dialogs and the roster import."""
