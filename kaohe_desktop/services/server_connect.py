"""文件 → 连接服务器…: the township's PostgreSQL server as the database (README 乡镇服务器).

The password lives only in memory: `server_url` puts it in the URL that is opened,
`remembered_url` is what the window keeps in its settings (no password: it is asked again
at the next start). Nothing here opens the program's database; `open_db` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaohe_desktop.domain.errors import Problem
from kaohe_desktop.settings import is_server_url

DEFAULT_PORT = 5432


@dataclass(frozen=True)
class ServerAddress:
    host: str
    port: int
    database: str
    user: str

    @classmethod
    def from_url(cls, url: str) -> ServerAddress:
        from sqlalchemy.engine import make_url

        u = make_url(url)
        host = u.host or str(u.query.get("host", "") or "")
        return cls(host, int(u.port or u.query.get("port") or DEFAULT_PORT), u.database or "",
                   u.username or "")


def address_problems(host: str, port: str, database: str, user: str) -> list[Problem]:
    """What is missing or wrong in the typed address ([] when it may be tried)."""
    problems = []
    if not host.strip():
        problems.append(Problem("请填写服务器地址（如 192.168.1.10）", column="服务器"))
    if not port.strip().isdigit() or not 0 < int(port) < 65536:
        problems.append(Problem("端口应为 1～65535 的数字（PostgreSQL 默认 5432）", column="端口",
                                value=port))
    if not database.strip():
        problems.append(Problem("请填写数据库名（如 kaohe）", column="数据库"))
    if not user.strip():
        problems.append(Problem("请填写用户名", column="用户名"))
    return problems


def server_url(address: ServerAddress, password: str = "") -> str:
    """The URL open_db takes. A host that is a folder is a unix socket (passed as a query
    parameter, which libpq reads as such)."""
    from sqlalchemy.engine import URL

    socket = address.host.startswith("/")
    url = URL.create("postgresql+psycopg", username=address.user.strip(), password=password or None,
                     host=None if socket else address.host.strip(),
                     port=None if socket else address.port, database=address.database.strip(),
                     query={"host": address.host, "port": str(address.port)} if socket else {})
    return url.render_as_string(hide_password=False)


def remembered_url(target: str) -> str:
    """The target without any password (what may be written to settings)."""
    if not is_server_url(target):
        return target
    from sqlalchemy.engine import make_url

    # URL.set(password=None) would keep it (None means "unchanged" there)
    return make_url(target)._replace(password=None).render_as_string(hide_password=False)


def with_password(target: str, password: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(target).set(password=password).render_as_string(hide_password=False)
