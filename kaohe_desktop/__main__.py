from kaohe_desktop.launcher import main

raise SystemExit(main())
