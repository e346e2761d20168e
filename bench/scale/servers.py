"""Processes the benchmark starts and always stops: the Chroma server and `kb serve`."""

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
READY_TIMEOUT_S = 900  # a worker builds its catalog before it is ready; slow at ×100 today


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return {k: v.strip() for k, _, v in (line.partition(":") for line in text.splitlines())}


def rss_mb(pid: int, peak: bool = True) -> float | None:
    value = _status(pid).get("VmHWM" if peak else "VmRSS")
    return round(int(value.split()[0]) / 1024, 1) if value else None


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _status(int(entry.name)).get("PPid") == str(pid):
            found.append(int(entry.name))
    return sorted(found)


def _wait(url: str, proc: subprocess.Popen[bytes], timeout: float, path: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode} before it was ready")
        try:
            if httpx.get(url + path, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} was not ready within {timeout:.0f} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (after pid and comm)
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


@dataclass(frozen=True)
class Chroma:
    url: str
    pid: int


@contextmanager
def chroma_server(path: Path, log: Path) -> Iterator[Chroma]:
    port = free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [
                str(BIN / "chroma"),
                "run",
                "--path",
                str(path),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with everything it starts
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, proc, 120, "/api/v2/heartbeat")
        yield Chroma(url, proc.pid)
    finally:
        _stop(proc)


class Service:
    """`kb serve` with N workers; ``pids`` are the processes that answer requests."""

    def __init__(self, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.log = log
        self.started = time.perf_counter()
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [
                    str(BIN / "python"),
                    "-m",
                    "service.cli",
                    "serve",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(workers),
                ],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.ready_s = 0.0

    def wait_ready(self) -> None:
        """Every worker has finished its start-up (each logs it), not only the first one."""
        _wait(self.url, self.proc, READY_TIMEOUT_S, "/readyz")
        deadline = time.monotonic() + READY_TIMEOUT_S
        while self.log.read_text(errors="replace").count("Application startup complete") < (
            self.workers
        ):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"not all {self.workers} workers of {self.url} started")
            time.sleep(0.5)
        self.ready_s = time.perf_counter() - self.started

    @property
    def pids(self) -> list[int]:
        if self.workers == 1:
            return [self.proc.pid]
        return [p for p in children(self.proc.pid) if b"spawn_main" in _cmdline(p)]

    def peak_rss_mb(self) -> list[float]:
        return [r for pid in self.pids if (r := rss_mb(pid)) is not None]

    def stop(self) -> None:
        _stop(self.proc)


@contextmanager
def service(env: dict[str, str], workers: int, log: Path) -> Iterator[Service]:
    svc = Service(env, workers, log)
    try:
        svc.wait_ready()
        yield svc
    finally:
        svc.stop()
