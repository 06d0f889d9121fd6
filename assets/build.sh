#!/usr/bin/env bash
# Builds consult/static/ from the pinned npm packages (see package.json).
set -euo pipefail
cd "$(dirname "$0")/.."
out=consult/static/govuk
rm -rf "$out" && mkdir -p "$out"
cp -r node_modules/govuk-frontend/dist/govuk/assets "$out/assets"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/"
node_modules/.bin/sass --no-source-map --style=compressed --load-path=node_modules \
  --quiet-deps --silence-deprecation=import --silence-deprecation=mixed-decls assets/app.scss "$out/app.css"
mkdir -p consult/static/vendor
cp node_modules/axe-core/axe.min.js consult/static/vendor/axe.min.js
