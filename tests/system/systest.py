"""The host side of the system test: boots the Debian guest under QEMU, talks
to the script it runs through files in a 9p share, and looks at its screen
through the QEMU monitor's screendump.

The guest has no network device. Host and guest meet only in the share:
- the host writes `guest.sh` (this boot's script) and `lib.sh` before a boot,
  and `go/NAME` to let the guest go on;
- the guest writes `state/NAME` (text: figures, command output) when it has
  reached a point, and `cache-NAME/` copies of its cache for the host to render.
"""

import datetime
import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

from PIL import Image, ImageChops

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
# The host's build: it renders what the guest's screen must show.
HOST_BINARY = REPO / "target/x86_64-unknown-linux-gnu/release/eventscreen"
SIZE = "1920x1080"
# Share of pixels allowed to differ between the guest's screen and the host's render.
TOLERANCE = 0.001


class Failure(Exception):
    """A scenario's assertion failed; the message says what was seen."""


class Guest:
    """One QEMU machine booted from a fresh copy-on-write overlay of the image."""

    def __init__(self, image_dir: Path, work: Path, memory_mb: int = 1024, kvm: bool = False):
        self.image_dir = image_dir
        self.work = work
        self.share = work / "share"
        self.memory_mb = memory_mb
        self.kvm = kvm
        self.process = None
        self.powered_on = None
        self.boots = 0
        self.overlay = work / "overlay.qcow2"
        self.monitor_path = work / "monitor.sock"

    def fresh_disk(self):
        self.overlay.unlink(missing_ok=True)
        subprocess.run(
            ["qemu-img", "create", "-q", "-f", "qcow2", "-b", str(self.image_dir / "image.raw"), "-F", "raw",
             str(self.overlay)],
            check=True,
        )

    def boot(self, script: str, gpu: str = "virtio-gpu-pci", kernel_args: str = ""):
        """Powers the machine on with `script` as this boot's guest.sh. `gpu`: the
        display device (virtio-gpu-pci: KMS only; virtio-vga: also a VGA BIOS, so a
        `vga=` kernel argument gives a firmware framebuffer first)."""
        self.boots += 1
        (self.share / "state").mkdir(parents=True, exist_ok=True)
        (self.share / "go").mkdir(parents=True, exist_ok=True)
        for helper in ("lib.sh", "powercut.py"):
            shutil.copy(HERE / "guest" / helper, self.share / helper)
        (self.share / "guest.sh").write_text(script)
        self.monitor_path.unlink(missing_ok=True)
        command = self.qemu_command(gpu, kernel_args)
        self.powered_on = time.monotonic()
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        wait_until(lambda: self.monitor_path.exists(), 30, "the QEMU monitor socket")

    def qemu_command(self, gpu: str, kernel_args: str) -> list:
        """The QEMU command line for one boot of this machine (amd64: q35-less pc, TCG or KVM)."""
        accel = ["-accel", "kvm", "-cpu", "host"] if self.kvm else ["-accel", "tcg,thread=multi", "-cpu", "max"]
        return [
            "qemu-system-x86_64", *accel, "-smp", "2", "-m", str(self.memory_mb),
            "-kernel", str(self.image_dir / "vmlinuz"), "-initrd", str(self.image_dir / "initrd.img"),
            "-append", f"root=/dev/vda rw console=ttyS0,115200 quiet {kernel_args}".strip(),
            "-drive", f"file={self.overlay},if=virtio,format=qcow2",
            "-virtfs", f"local,path={self.share},mount_tag=host0,security_model=none,id=host0",
            "-nic", "none",
            "-vga", "none", "-device", f"{gpu},xres=1920,yres=1080",
            "-display", "none",
            "-serial", f"file:{self.console_log()}",
            "-monitor", f"unix:{self.monitor_path},server=on,wait=off",
            "-no-reboot",
        ]

    def console_log(self) -> Path:
        """This boot's serial console."""
        return self.work / f"console-{self.boots}.log"

    def monitor(self, command: str) -> str:
        """Sends one command to the QEMU monitor and returns its answer."""

        def read_until_prompt(connection, text: bytes, need_newline: bool) -> bytes:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if text.rstrip().endswith(b"(qemu)") and (not need_newline or b"\r\n" in text):
                    return text
                try:
                    text += connection.recv(65536)
                except socket.timeout:
                    continue
            raise Failure(f"the QEMU monitor did not answer '{command}'")

        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(1)
            connection.connect(str(self.monitor_path))
            read_until_prompt(connection, b"", False)  # the banner and the first prompt
            connection.sendall(command.encode() + b"\n")
            # The echo of the command, its output, then a new prompt on a new line.
            return read_until_prompt(connection, b"", True).decode(errors="replace")

    def screendump(self, path: Path) -> Image.Image:
        """The guest's screen now, as an RGB image (also written to `path` as PNG)."""
        ppm = self.work / "screendump.ppm"
        ppm.unlink(missing_ok=True)
        self.monitor(f"screendump {ppm}")
        wait_until(lambda: ppm.exists() and ppm.stat().st_size > 0, 10, "the screendump")
        # QEMU writes the file in one go but may still be flushing it: read until it decodes.
        image = None
        for _ in range(20):
            try:
                image = Image.open(ppm).convert("RGB")
                image.load()
                break
            except (OSError, SyntaxError):
                time.sleep(0.1)
        if image is None:
            raise Failure(f"the screendump {ppm} cannot be read")
        image.save(path)
        return image

    def state(self, name: str, timeout: float, every: float = 0.2) -> str:
        """Waits for the guest to reach `name`; returns what it wrote there."""
        path = self.share / "state" / name
        failed = self.share / "state" / "failed"
        wait_until(lambda: path.exists() or failed.exists() or not self.running(), timeout, f"the guest's '{name}'",
                   every)
        if failed.exists() and not path.exists():
            raise Failure(f"the guest failed before '{name}': {failed.read_text().strip()}")
        if not path.exists():
            raise Failure(f"the guest stopped before '{name}' (see {self.console_log()})")
        return path.read_text()

    def go(self, name: str):
        (self.share / "go" / name).write_text("")

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def power_cut(self):
        """Pulls the plug: no shutdown, no sync."""
        if self.running():
            self.process.kill()
            self.process.wait(timeout=30)

    def wait_off(self, timeout: float):
        """Waits for the guest to power itself off."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.power_cut()
            raise Failure(f"the guest did not power off within {timeout:.0f} s")

    def seconds_on(self) -> float:
        return time.monotonic() - self.powered_on


def host_render(config: Path, cache: Path, at: datetime.datetime, out: Path) -> Image.Image:
    """What `eventscreen render` on the host draws from the guest's cache and config."""
    subprocess.run(
        [str(HOST_BINARY), "--config", str(config), "render", "--at", at.isoformat(), "--size", SIZE, "--out", str(out)],
        check=True,
        env={"CACHE_DIRECTORY": str(cache), "PATH": "/usr/bin:/bin", "EVENTSCREEN_LOG": "warn"},
    )
    return Image.open(out).convert("RGB")


def minute(offset: int = 0) -> datetime.datetime:
    """The current minute (the guest's clock follows the host's), `offset` minutes on."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    return now + datetime.timedelta(minutes=offset)


def screen_matches(guest: Guest, config: Path, cache: Path, name: str, out: Path, timeout: float) -> dict:
    """Polls the guest's screen until it shows what the host renders from the same
    config and cache (at this minute or the one before); returns the figures."""
    started = time.monotonic()
    expected = {}
    best = (1.0, None)
    while True:
        shot_at = minute()
        shot = guest.screendump(out / f"{name}-guest.png")
        for at in (shot_at, shot_at - datetime.timedelta(minutes=1)):
            if at not in expected:
                expected[at] = host_render(config, cache, at, out / f"{name}-host-{at:%H%M}.png")
            share = difference(shot, expected[at])
            if share < best[0]:
                best = (share, at)
            if share <= TOLERANCE:
                Path(out / f"{name}-host-{at:%H%M}.png").rename(out / f"{name}-host.png")
                for stale in out.glob(f"{name}-host-*.png"):
                    stale.unlink()
                return {"differing_pixels": share, "seconds": time.monotonic() - started, "at": at.isoformat()}
        if time.monotonic() - started > timeout:
            raise Failure(
                f"{name}: the guest's screen never matched the host's render within {timeout:.0f} s "
                f"(closest: {best[0]:.2%} of pixels differ, at {best[1]}); see {out}/{name}-guest.png"
            )
        time.sleep(0.5)


def wait_until(condition, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise Failure(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def difference(actual: Image.Image, expected: Image.Image) -> float:
    """The share of pixels that differ by more than 24 in a channel (as the golden tests count)."""
    if actual.size != expected.size:
        return 1.0
    diff = ImageChops.difference(actual, expected).convert("RGB")
    differing = sum(1 for pixel in diff.getdata() if max(pixel) > 24)
    return differing / (actual.size[0] * actual.size[1])


def guest_script(*parts: str) -> str:
    """A guest.sh: the shared helpers, then the scenario steps for this boot."""
    return "#!/bin/bash\nset -uo pipefail\nsource /mnt/host/lib.sh\n" + "\n".join(parts) + "\n"


def facts(text: str) -> dict:
    """`key=value` lines the guest wrote into a state file."""
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def log(message: str):
    print(f"system-test: {message}", flush=True)


def save_json(path: Path, value):
    path.write_text(json.dumps(value, indent=2, sort_keys=True) + "\n")
