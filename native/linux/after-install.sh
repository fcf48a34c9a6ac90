#!/bin/sh
# deb post-install hook (electron-builder `deb.afterInstall`): give the desk user access to the
# scanners in the device catalogue, then let udev apply it to devices already plugged in.
set -e
RULES="/opt/Mitra Desk/resources/native/linux/70-mitra-desk-scanners.rules"
if [ -f "$RULES" ] && [ -d /etc/udev/rules.d ]; then
  install -m 0644 "$RULES" /etc/udev/rules.d/70-mitra-desk-scanners.rules
  if command -v udevadm >/dev/null 2>&1; then
    udevadm control --reload-rules || true
    udevadm trigger --subsystem-match=usb --subsystem-match=hidraw --subsystem-match=tty || true
  fi
fi
# Electron's sandbox helper needs these bits on distributions without unprivileged user namespaces.
if [ -f "/opt/Mitra Desk/chrome-sandbox" ]; then
  chown root:root "/opt/Mitra Desk/chrome-sandbox" && chmod 4755 "/opt/Mitra Desk/chrome-sandbox" || true
fi
