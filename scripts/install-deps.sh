#!/usr/bin/env bash
# Installs what building and testing TicketWatch needs on Debian/Ubuntu: the SQLite development files and
# command-line shell (libsqlite3-dev, sqlite3), libcurl's development files for the notifier
# (libcurl4-openssl-dev); with --test also headless Chromium (the report test), pandas (the notebook oracle
# the parity tests compare with), systemd-analyze, GNU time and man (the install test).
# Safe to run again: it installs only what is missing.
set -euo pipefail

need_apt=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need_apt+=(libsqlite3-dev)
# Without it pkg-config only warns, and the build fails later with "'curl/curl.h' file not found".
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || need_apt+=(libcurl4-openssl-dev)
command -v sqlite3 >/dev/null 2>&1 || need_apt+=(sqlite3)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
if [ "${1:-}" = "--test" ]; then
    # The report test renders the page in a real headless browser.
    command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
    # The unit test checks systemd/ with systemd-analyze (verify, security); no running systemd is needed.
    command -v systemd-analyze >/dev/null 2>&1 || need_apt+=(systemd)
    # The memory test reads the loader's peak memory from GNU time.
    [ -x /usr/bin/time ] || need_apt+=(time)
    # The install test renders the installed man page with `man -l` (bash's own `complete` is enough for the
    # completion check: no bash-completion package needed).
    [ -x /usr/bin/man ] || need_apt+=(man-db)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing ${need_apt[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ "${1:-}" = "--test" ]; then
    python3 -c 'import pandas' 2>/dev/null || python3 -m pip install --quiet pandas
fi
