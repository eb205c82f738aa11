//! The text console under the screen: switched to graphics mode while the
//! screen runs, so the kernel's console (a login prompt, its blinking cursor,
//! kernel messages) never draws over the schedule on a legacy framebuffer.
//!
//! The screen's own process may not touch a tty (its unit allows no tty device
//! and it runs as an unprivileged user), so the unit runs `eventscreen console
//! graphics` as root before it starts and `eventscreen console text` after it
//! stops (`ExecStartPre=+`, `ExecStopPost=+`).

use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::Path;

/// The current virtual terminal, whichever it is.
pub const CURRENT_VT: &str = "/dev/tty0";

// From <linux/kd.h>.
const KDSETMODE: libc::c_ulong = 0x4B3A;
const KD_TEXT: libc::c_int = 0x00;
const KD_GRAPHICS: libc::c_int = 0x01;

/// Puts the virtual terminal `tty` into graphics mode (`graphics`) or back into
/// text mode, and hides or shows its cursor. A machine without virtual
/// terminals (a serial console only) has nothing to do: `Ok(false)`.
pub fn set_mode(tty: &Path, graphics: bool) -> anyhow::Result<bool> {
    let mut file = match std::fs::OpenOptions::new().read(true).write(true).open(tty) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(error) => anyhow::bail!("opening {}: {error}", tty.display()),
    };
    let mode = if graphics { KD_GRAPHICS } else { KD_TEXT };
    // SAFETY: KDSETMODE takes its argument by value; the fd is open for the call.
    if unsafe { libc::ioctl(file.as_raw_fd(), KDSETMODE as _, mode) } != 0 {
        let error = std::io::Error::last_os_error();
        anyhow::bail!("{} is not a virtual terminal whose mode can be set: {error}", tty.display());
    }
    // Graphics mode stops the console drawing; the hidden cursor also covers a
    // console that ignores the mode.
    let _ = file.write_all(if graphics { b"\x1b[?25l" } else { b"\x1b[?25h" });
    Ok(true)
}
