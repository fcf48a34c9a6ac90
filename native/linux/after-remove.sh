#!/bin/sh
# deb post-remove hook: take the scanner rule away with the app.
set -e
if [ -f /etc/udev/rules.d/70-mitra-desk-scanners.rules ]; then
  rm -f /etc/udev/rules.d/70-mitra-desk-scanners.rules
  command -v udevadm >/dev/null 2>&1 && udevadm control --reload-rules || true
fi
