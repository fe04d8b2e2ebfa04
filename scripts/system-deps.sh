#!/usr/bin/env bash
# Install the Debian packages the app needs, if missing. Usage: system-deps.sh run|test|ci
set -euo pipefail
profile="${1:-run}"
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core gettext)
if [ "$profile" != "run" ]; then
  # libreoffice-writer-nogui: the report tests open the DOCX with LibreOffice headless;
  # ghostscript: the archive export's PDF/A renditions.
  packages+=(poppler-utils chromium ghostscript libreoffice-writer-nogui)
fi
if [ "$profile" = "ci" ]; then
  packages+=(postgresql redis-server)
fi
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  apt=(apt-get)
elif command -v sudo >/dev/null 2>&1; then
  apt=(sudo apt-get)
else
  echo "Missing Debian packages (${missing[*]}) and no root or sudo to install them." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${apt[@]}" update -qq || true
"${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}"
