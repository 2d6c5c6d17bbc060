#!/bin/sh
# Installs the demo realm's protected browser and direct-grant flows (with the risk-driven MFA sub-flow) through
# the extension's REST API, once Keycloak is ready: the call an operator makes, run by the compose stack.
# Without ?riskDecidesMfa=true, so Keycloak's own conditional 2FA keeps asking users who have OTP.
set -eu
KC_URL=${KC_URL:-http://keycloak:8080}
KC_MANAGEMENT_URL=${KC_MANAGEMENT_URL:-http://keycloak:9000}
REALM=${REALM:-demo}

echo "waiting for $KC_MANAGEMENT_URL/health/ready"
tries=0
until curl -sf "$KC_MANAGEMENT_URL/health/ready" > /dev/null; do
  tries=$((tries + 1))
  if [ "$tries" -gt 100 ]; then
    echo "Keycloak did not become ready" >&2
    exit 1
  fi
  sleep 3
done

token=$(curl -sf -d grant_type=password -d client_id=admin-cli \
  --data-urlencode "username=$KC_ADMIN" --data-urlencode "password=$KC_ADMIN_PASSWORD" \
  "$KC_URL/realms/master/protocol/openid-connect/token" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
if [ -z "$token" ]; then
  echo "no admin token for $KC_ADMIN" >&2
  exit 1
fi

answer=$(mktemp)
status=$(curl -s -o "$answer" -w '%{http_code}' -X POST \
  -H "Authorization: Bearer $token" "$KC_URL/admin/realms/$REALM/threat-protection/flows")
case "$status" in
  201) echo "protected flows installed in realm $REALM: $(cat "$answer")" ;;
  200) echo "protected flows already installed in realm $REALM; what an earlier install lacked was added: $(cat "$answer")" ;;
  409) echo "protected flows partly installed by hand in realm $REALM: left as they are" ;;
  *) echo "installing the protected flows failed: HTTP $status $(cat "$answer")" >&2; exit 1 ;;
esac
