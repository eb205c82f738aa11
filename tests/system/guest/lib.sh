# Helpers for the guest's side of the system test, sourced by each boot's guest.sh.
# The host reads state/NAME files and writes go/NAME files in the share.
SHARE=/mnt/host

# state NAME [LINE...]: tells the host that NAME is reached, with figures or output.
state() {
  local name=$1
  shift
  printf '%s\n' "$@" >"$SHARE/state/.$name.tmp"
  mv "$SHARE/state/.$name.tmp" "$SHARE/state/$name"
}

# wait_go NAME: waits until the host lets the guest go on.
wait_go() {
  while [ ! -e "$SHARE/go/$1" ]; do sleep 0.2; done
}

# Seconds since the kernel started, with decimals.
uptime_s() { cut -d' ' -f1 /proc/uptime; }

main_pid() { systemctl show -p MainPID --value eventscreen; }

# The test CMS: the feed (and nothing else) on the guest's own loopback.
start_cms() {
  mkdir -p /srv/cms/api/v1
  cp "$SHARE/feed.json" /srv/cms/api/v1/events
  # Event pictures, where the feed's URLs point (the arm64 run's --all-pages).
  [ ! -d "$SHARE/cms" ] || cp -r "$SHARE/cms/." /srv/cms/
  systemd-run --unit=cms --quiet python3 -m http.server 8080 --bind 127.0.0.1 --directory /srv/cms
  for _ in $(seq 100); do
    python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8080/api/v1/events")' 2>/dev/null && return 0
    sleep 0.1
  done
  echo "the test CMS did not answer" >&2
  return 1
}

# run_as_text COMMAND...: "exit=N" and the output, for a state file.
run_as_text() {
  local output code
  output=$("$@" 2>&1)
  code=$?
  printf 'exit=%s\n%s\n' "$code" "$output"
}

# Seconds (with decimals) until COMMAND succeeds, polling every 0.1 s, at most LIMIT s.
seconds_until() {
  local limit=$1 start
  shift
  start=$(uptime_s)
  while ! "$@" >/dev/null 2>&1; do
    if awk -v s="$start" -v n="$(uptime_s)" -v l="$limit" 'BEGIN { exit !(n - s > l) }'; then
      echo timeout
      return 1
    fi
    sleep 0.1
  done
  awk -v s="$start" -v n="$(uptime_s)" 'BEGIN { printf "%.1f\n", n - s }'
}

# A copy of the screen's cache for the host to render from.
copy_cache() {
  rm -rf "$SHARE/cache-$1"
  cp -a /var/cache/eventscreen "$SHARE/cache-$1"
  chmod -R a+rX "$SHARE/cache-$1"
}

# install_package: installs the .deb as an admin would; figures to stdout.
install_package() {
  local started
  started=$(uptime_s)
  if ! apt-get install -y -q /mnt/host/eventscreen.deb >/mnt/host/install.log 2>&1; then
    state failed "apt-get install failed (see install.log)"
    return 1
  fi
  echo "install_s=$(since "$started")"
  echo "install_warnings=$(grep -ciE "warn|error" /mnt/host/install.log)"
}

# configure_screen: points the config at the test CMS on 127.0.0.1:8080, one page
# held for 10 minutes.
configure_screen() {
  sed -i -e 's|^url = .*|url = "http://127.0.0.1:8080/api/v1/events"|' \
         -e 's|^rotate_seconds = .*|rotate_seconds = 600|' /etc/eventscreen/eventscreen.toml
  sync /etc/eventscreen/eventscreen.toml
}

install_screen() { install_package && configure_screen; }

# start_screen: systemctl start eventscreen (returns at READY) and wait for the
# first fetch; figures to stdout.
start_screen() {
  local start_s fetched_s
  start_s=$(seconds_until 120 systemctl start eventscreen) || {
    state failed "systemctl start eventscreen: $(systemctl status eventscreen 2>&1 | tail -5)"
    return 1
  }
  fetched_s=$(seconds_until 60 sh -c 'eventscreen status | grep -q "updated: "') || {
    state failed "no feed fetched: $(eventscreen status 2>&1)"
    return 1
  }
  echo "start_s=$start_s"
  echo "fetched_s=$fetched_s"
}

# The display devices the screen's process has open or mapped now (e.g. "/dev/dri/card0").
open_displays() {
  local pid
  pid=$(main_pid)
  { ls -l "/proc/$pid/fd"; cat "/proc/$pid/maps"; } 2>/dev/null | grep -oE '/dev/(dri/card|fb)[0-9]+' | sort -u |
    tr '\n' ' '
}

# Lines the screen's unit wrote to the journal in this boot.
journal_lines() { journalctl -u eventscreen -b --no-pager -o cat | wc -l; }

# Seconds (with decimals) since START (an uptime_s value).
since() { awk -v s="$1" -v n="$(uptime_s)" 'BEGIN { printf "%.1f", n - s }'; }
