"""Real mail servers for the mailbox tests: Debian's dovecot (IMAP) started in a temporary folder on a
free loopback port, and aiosmtpd (SMTP) keeping what it receives."""

from __future__ import annotations

import email.policy
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest

from hotline.core.testing import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


@dataclass
class Imap:
    host: str
    port: int
    user: str
    password: str


def _config(root: Path, port: int) -> str:
    if os.geteuid() == 0:
        internal, login = "dovecot", "dovenull"
        mail_user = pwd.getpwnam("nobody")
    else:
        internal = login = pwd.getpwuid(os.geteuid()).pw_name
        mail_user = pwd.getpwuid(os.geteuid())
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


@pytest.fixture
def dovecot() -> Iterator[Imap]:
    if not os.path.exists(DOVECOT):
        pytest.fail("dovecot is missing: `make test` installs Debian's dovecot-imapd for the mailbox tests")
    root = Path(tempfile.mkdtemp(prefix="hotline-dovecot-"))
    os.chmod(root, 0o755)
    for folder in ("run", "state", "mail"):
        (root / folder).mkdir()
    os.chmod(root / "mail", 0o777)
    port = free_port()
    (root / "users").write_text("mayor:{PLAIN}mailbox-pass\n")
    (root / "dovecot.conf").write_text(_config(root, port))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                    if conn.recv(100).startswith(b"* OK"):
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"dovecot did not start: {output}\n{log}")
            time.sleep(0.1)
        yield Imap("127.0.0.1", port, "mayor", "mailbox-pass")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Smtp:
    host: str
    port: int
    received: list[Message] = field(default_factory=list)


@pytest.fixture
def smtp_server() -> Iterator[Smtp]:
    from aiosmtpd.controller import Controller

    server = Smtp("127.0.0.1", free_port())

    class Handler:
        async def handle_DATA(self, smtp, session, envelope):
            server.received.append(message_from_bytes(envelope.content, policy=email.policy.default))
            return "250 OK"

    controller = Controller(Handler(), hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
