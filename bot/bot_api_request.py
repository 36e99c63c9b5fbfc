"""The bot's HTTP client for the Bot API: python-telegram-bot's ``BaseRequest`` over aiohttp.

PTB's default, ``HTTPXRequest``, walks its whole connection pool on every call (httpcore checks
each idle connection for expiry, a system call each), so the more youth answer at once, the more
each call costs: ``bench/conversation.py`` measured the bare framework at twice the CPU per
answer with ``concurrent_updates`` as without. aiohttp keeps idle connections in a stack per
host, parses HTTP in C, and costs the same per call however many are in flight.

It behaves as ``HTTPXRequest`` does for the rest of PTB: the same form-encoded or multipart
bodies, the same certificate authorities (certifi's), the same read, connect and pool timeouts
(aiohttp has no write timeout), ``TimedOut`` when one passes and ``NetworkError`` for any other
transport failure. Proxies of the environment are ignored, as ``trust_env=False`` did before.
"""

import ssl

import aiohttp
import certifi
from telegram._utils.defaultvalue import DefaultValue  # PTB's own requests use it too
from telegram._utils.types import ODVInput, UploadFileDict
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_TIMEOUT_SECONDS = 5.0
DEFAULT_POOL_TIMEOUT_SECONDS = 1.0


class AiohttpRequest(BaseRequest):
    """Bot API calls over one aiohttp session with at most ``connection_pool_size`` connections."""

    def __init__(
        self,
        connection_pool_size: int = 1,
        *,
        read_timeout: float | None = DEFAULT_TIMEOUT_SECONDS,
        connect_timeout: float | None = DEFAULT_TIMEOUT_SECONDS,
        pool_timeout: float | None = DEFAULT_POOL_TIMEOUT_SECONDS,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default seconds to wait for an answer (PTB adds a long poll's own timeout to it)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        if self._session is None or self._session.closed:
            authorities = ssl.create_default_context(cafile=certifi.where())
            connector = aiohttp.TCPConnector(
                limit=self._pool_size, limit_per_host=self._pool_size, ssl=authorities
            )
            self._session = aiohttp.ClientSession(
                connector=connector, trust_env=False, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make one call; return the HTTP status and the body, or raise ``TimedOut``/``NetworkError``."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data and request_data.contains_files else None
        read = _chosen(read_timeout, self._read_timeout)
        connect = _chosen(connect_timeout, self._connect_timeout)
        pool = _chosen(pool_timeout, self._pool_timeout)
        # aiohttp has no write timeout: sending a body is bounded by the connection's own buffers.
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect,
            sock_read=read,
        )
        body = _body(request_data, files)
        try:
            async with self._session.request(method, url, data=body, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except (aiohttp.ClientError, OSError) as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _chosen(given: ODVInput[float], default: float | None) -> float | None:
    """A timeout passed for this call, else the request's default; None means no limit."""
    return default if isinstance(given, DefaultValue) else given


def _body(
    request_data: RequestData | None, files: UploadFileDict | None
) -> dict[str, str] | aiohttp.FormData | None:
    """The form fields of the call, multipart when it uploads files (as ``HTTPXRequest`` sends them)."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if files is None:
        return fields
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
