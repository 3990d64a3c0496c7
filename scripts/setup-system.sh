#!/usr/bin/env bash
# Install the Debian packages the edition needs, only those missing. Run as root on Debian 12.
set -euo pipefail
packages=(
  python3 python3-venv python3-dev build-essential   # the virtual environment
  fonts-noto-core                                    # the edition's fonts (Noto Serif Thai, Noto Serif, …)
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0  # WeasyPrint (3.5x slower without hb-subset)
  poppler-utils                                      # pdftotext / pdftoppm for previews and tests
  default-jre-headless                               # Java for EPUBCheck
  icc-profiles-free libgs-common                     # sRGB (PDF/A) and CMYK (PDF/X) output profiles
  chromium                                           # headless browser for Ace by DAISY
)
# Node.js and npm for Ace: Debian's packages unless a node is there already (NodeSource's nodejs
# ships npm and conflicts with Debian's npm package)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]}" >&2
  echo "run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
