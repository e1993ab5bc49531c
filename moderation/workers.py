"""Several service processes on one port, each with its own listening socket (``SO_REUSEPORT``).

uvicorn's ``--workers`` shares one listening socket between its processes. A worker woken for a
new connection accepts every connection waiting, so a platform that opens its keep-alive
connections in a burst hands most of them, and so most of its requests, to one worker: 201 of
256 connections in one measurement (BENCHMARKS.md), one core overloaded while the other idled.
With a socket per process, the kernel spreads connections over the processes by a hash of their
addresses, whoever is awake. The parent only supervises: it restarts a worker that dies and stops
them all on SIGINT or SIGTERM.
"""

from __future__ import annotations

import logging
import logging.config
import multiprocessing
import signal
import socket
import threading
from multiprocessing.process import BaseProcess
from types import FrameType

import uvicorn

logger = logging.getLogger("uvicorn.error")
APP = "moderation.api.app:create_app"
RESTART_PAUSE_S = 1.0


def bound_socket(host: str, port: int, shared: bool) -> socket.socket:
    """A TCP socket bound to ``host:port``; ``shared``: beside other processes' sockets bound so too
    (``SO_REUSEPORT``)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(host: str, port: int, log_level: str) -> None:
    config = uvicorn.Config(APP, factory=True, host=host, port=port, log_level=log_level)
    uvicorn.Server(config).run(sockets=[bound_socket(host, port, shared=True)])


class Workers:
    """``count`` worker processes serving ``host:port``, kept running until a signal stops them."""

    def __init__(self, host: str, port: int, count: int, log_level: str = "info") -> None:
        self.host, self.port, self.count, self.log_level = host, port, count, log_level
        logging.config.dictConfig(uvicorn.config.LOGGING_CONFIG)  # the workers' log format, here too
        logger.setLevel(log_level.upper())
        self.context = multiprocessing.get_context("spawn")
        self.processes: list[BaseProcess] = []
        self.stopping = threading.Event()

    def _start_one(self) -> BaseProcess:
        process = self.context.Process(target=_worker, args=(self.host, self.port, self.log_level), daemon=False)
        process.start()
        logger.info("Started worker process [%s]", process.pid)
        return process

    def _stop(self, signum: int, _: FrameType | None) -> None:
        logger.info("Received %s, stopping the workers.", signal.Signals(signum).name)
        self.stopping.set()

    def run(self) -> None:
        # Fail here, once, if anything listens on the address already. This probe does not set
        # SO_REUSEPORT, so it also fails beside another running copy of this service (whose
        # sockets do), instead of silently sharing its connections.
        bound_socket(self.host, self.port, shared=False).close()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._stop)
        self.processes = [self._start_one() for _ in range(self.count)]
        while not self.stopping.wait(RESTART_PAUSE_S):
            for i, process in enumerate(self.processes):
                if not process.is_alive():
                    logger.warning("Worker [%s] exited with %s; starting another.", process.pid, process.exitcode)
                    self.processes[i] = self._start_one()
        for process in self.processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in hand, then exits
        for process in self.processes:
            process.join()
            logger.info("Worker [%s] stopped.", process.pid)
