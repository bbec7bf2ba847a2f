"""便民服务站考核 — offline assessment of convenience-service stations and their staff."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kaohe_desktop")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
