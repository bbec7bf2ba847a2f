"""打印与导出: certificates, notices, sheets and publicity lists."""
