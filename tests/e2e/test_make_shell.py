"""`make shell`: a terminal chat, driven through a pseudo-terminal as a person would type."""

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time

import pytest

from tests.conftest import free_port
from tests.e2e.test_make_run import port_open

pytestmark = pytest.mark.slow


class Terminal:
    def __init__(self, command, cwd, env):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdin=slave, stdout=slave,
                                        stderr=slave, start_new_session=True)
        os.close(slave)
        self.output = ""

    def expect(self, text, timeout):
        deadline = time.monotonic() + timeout
        while text not in self.output:
            assert time.monotonic() < deadline, f"no {text!r} in:\n{self.output[-3000:]}"
            ready, _, _ = select.select([self.master], [], [], 1)
            if ready:
                try:
                    self.output += os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:          # the terminal closed: the program ended
                    assert text in self.output, self.output[-3000:]

    def type(self, text):
        os.write(self.master, text.encode("utf-8") + b"\r")

    def close(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)
        os.close(self.master)


def test_make_shell_answers_in_the_terminal_and_ctrl_c_ends_everything(root, trained_model):
    rasa_port, action_port = free_port(), free_port()
    env = {**os.environ, "RASA_PORT": str(rasa_port), "ACTION_PORT": str(action_port),
           "TERM": "xterm"}
    terminal = Terminal(["make", "--no-print-directory", "shell"], root, env)
    try:
        terminal.expect("Bot loaded", timeout=300)
        terminal.type("Co to jest Plus Kod?")
        terminal.expect("cyfrowe hasło", timeout=120)
        os.killpg(terminal.process.pid, signal.SIGINT)        # what Ctrl-C in the terminal does
        terminal.process.wait(timeout=60)
        deadline = time.monotonic() + 30
        while port_open(rasa_port) or port_open(action_port):
            assert time.monotonic() < deadline, "a server outlived make shell"
            time.sleep(1)
    finally:
        terminal.close()
