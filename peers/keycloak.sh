#!/usr/bin/env bash
# Starts Keycloak (keycloak-quarkus-dist from Maven Central, pinned below; Java 17) in
# development mode on 127.0.0.1 and a free port (or the one given), with the realm
# peers/conformance-realm.json imported: every client role the suite uses, a test user
# and short lifetimes. Prints the realm's issuer on the first line of standard output
# once it answers; Keycloak's own log goes to standard error. The download and the
# unpacked server are kept under target/peers/keycloak for the next run.
#
#   bash peers/keycloak.sh [PORT]
set -euo pipefail
version=26.4.7
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
home="$root/target/peers/keycloak"
server="$home/keycloak-$version"
mkdir -p "$home"
if [ ! -x "$server/bin/kc.sh" ]; then
  mvn -q -B dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$version:tar.gz" \
    -DoutputDirectory="$home" >&2
  tar -xzf "$home/keycloak-quarkus-dist-$version.tar.gz" -C "$home"
fi
port="${1:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
# A fresh database and the realm imported on every start, so a run never meets the
# last run's sessions or tokens.
rm -rf "$server/data/h2" "$server/data/import"
mkdir -p "$server/data/import"
cp "$here/conformance-realm.json" "$server/data/import/"
KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  "$server/bin/kc.sh" start-dev --http-host 127.0.0.1 --http-port "$port" --import-realm \
  --http-management-port 0 >&2 &
kc=$!
trap 'kill "$kc" 2>/dev/null || true' EXIT TERM INT
issuer="http://127.0.0.1:$port/realms/conformance"
for _ in $(seq 1 240); do
  if curl -fs -o /dev/null "$issuer/.well-known/openid-configuration"; then
    echo "$issuer"
    wait "$kc"
    exit $?
  fi
  kill -0 "$kc" 2>/dev/null || { echo "Keycloak stopped before it answered" >&2; exit 1; }
  sleep 0.5
done
echo "Keycloak did not answer within 120 s" >&2
exit 1
