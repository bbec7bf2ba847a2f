"""The page 服务记录: import service records, their measures, trend and the 整改 tracker."""
