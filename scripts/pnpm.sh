#!/bin/sh
# Runs pnpm 10 whether or not it is installed: a fresh machine has only Node and npm, and
# corepack fails its signature check on ours.
if command -v pnpm >/dev/null 2>&1 && pnpm --version 2>/dev/null | grep -q '^10\.'; then
  exec pnpm "$@"
fi
exec npx -y pnpm@10 "$@"
