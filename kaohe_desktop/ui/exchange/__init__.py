"""The page 数据交换: data packages between offline PCs (issue 18 §2)."""
