#!/usr/bin/env bash
# Regenerates topology/src/main/resources/dev/cardswitch/carddoc/iso3166-2.txt, the ISO 3166-2
# subdivision codes the card-document validator checks user.address.region against.
#
# Source: Debian's iso-codes project, the maintained open copy of the ISO 3166 lists. Two ways to
# get its iso_3166-2.json (both carry the same file format):
#   - the Debian package:   apt-get install iso-codes   -> /usr/share/iso-codes/json/iso_3166-2.json
#   - the PyPI package pycountry, which bundles a more recent iso-codes release:
#       pip download --no-deps -d /tmp/pyc pycountry && unzip -o -q /tmp/pyc/pycountry-*.whl -d /tmp/pyc
#       -> /tmp/pyc/pycountry/databases/iso3166-2.json
#
# Usage: topology/tools/regenerate-iso3166-2.sh PATH_TO_ISO_3166-2_JSON "SOURCE DESCRIPTION"
# Needs jq. Review the diff before committing: a removed code makes addresses that used it invalid.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 PATH_TO_ISO_3166-2_JSON \"SOURCE DESCRIPTION (package and version)\"" >&2
  exit 2
fi
json=$1
source_description=$2
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../src/main/resources/dev/cardswitch/carddoc/iso3166-2.txt"

codes=$(jq -r '.["3166-2"][].code' "$json" | LC_ALL=C sort -u)
if grep -qvE '^[A-Z]{2}-[A-Z0-9]{1,3}$' <<<"$codes"; then
  echo "unexpected code format in $json:" >&2
  grep -vE '^[A-Z]{2}-[A-Z0-9]{1,3}$' <<<"$codes" >&2
  exit 1
fi

{
  echo "# ISO 3166-2 subdivision codes, one per line, sorted (C locale). GENERATED: do not edit by hand."
  echo "# Source: $source_description; data of Debian's iso-codes project (LGPL-2.1-or-later)."
  echo "# Generated on $(date -u +%Y-%m-%d) by topology/tools/regenerate-iso3166-2.sh, which says how to regenerate."
  echo "# $(wc -l <<<"$codes" | tr -d ' ') codes for $(cut -d- -f1 <<<"$codes" | sort -u | wc -l | tr -d ' ') countries; the other ISO 3166-1 countries have no subdivisions."
  echo "$codes"
} >"$out"
echo "wrote $out"
