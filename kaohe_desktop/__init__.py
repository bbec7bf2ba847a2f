"""便民服务站考核 — offline assessment of convenience-service stations and their staff."""

# The one place the version is written; pyproject.toml reads it from here. A constant,
# not importlib.metadata, which costs 15 ms of start-up.
__version__ = "0.1.0"
