#!/usr/bin/env bash
# Onboards a project end to end with curl and a Keywarden API key — nothing else (README, "REST API:
# a walkthrough with curl"): invite a machine user, get its invitation accepted, record its token and
# push it to an environment, rotate it, and export the audit log. `npm test` runs it in sandbox mode
# (e2e/api-walkthrough.spec.ts); pointed at a Keywarden in live mode, it asks for the machine user's
# own steps (accept the e-mail, create the token in the Console) to be done by a person.
#
#   KEYWARDEN_URL=https://keywarden.example.com KEYWARDEN_API_KEY=kw_… \
#   PROJECT_ID=abcdefgh12345 ENVIRONMENT_ID=main OWNER_EMAIL=you@example.com \
#     bash e2e/api-walkthrough.sh
#
# Optional: MACHINE_USER_EMAIL (default bots+<project>-<random>@example.com), AUDIT_FILE (default
# ./keywarden-audit.ndjson), OVERRIDE_REASON (an admin's reason when the project already has a
# machine user for the purpose).
set -euo pipefail

: "${KEYWARDEN_URL:?set KEYWARDEN_URL, e.g. http://localhost:3000}"
: "${KEYWARDEN_API_KEY:?set KEYWARDEN_API_KEY to a key from Settings → API keys}"
: "${PROJECT_ID:?set PROJECT_ID to the Platform.sh project id}"
: "${ENVIRONMENT_ID:?set ENVIRONMENT_ID to the environment that receives the token}"
: "${OWNER_EMAIL:?set OWNER_EMAIL to the Keywarden user who owns the machine user}"
base=${KEYWARDEN_URL%/}
email=${MACHINE_USER_EMAIL:-bots+$PROJECT_ID-$RANDOM$RANDOM@example.com}
audit_file=${AUDIT_FILE:-keywarden-audit.ndjson}

# Neither the API key nor a token value goes on a command line (other users of the machine can read
# those with `ps`): the key is a header file only this user can read, bodies go through stdin.
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'Authorization: Bearer %s\n' "$KEYWARDEN_API_KEY" >"$work/auth"

# api METHOD PATH [BODY] — prints the answer's body, keeps its headers in $work/headers; fails with
# the problem's text on any 4xx or 5xx.
api() {
  local method=$1 path=$2 body=${3-}
  local args=(-sS -X "$method" -H @"$work/auth" -H 'Accept: application/json' -D "$work/headers" -o "$work/body" -w '%{http_code}')
  if [ -n "$body" ]; then args+=(-H 'Content-Type: application/json' --data-binary @-); fi
  local status
  status=$(printf '%s' "$body" | curl "${args[@]}" "$base$path")
  if [ "$status" -ge 400 ]; then
    echo "✘ $method $path answered $status: $(cat "$work/body")" >&2
    return 1
  fi
  cat "$work/body"
}

# field NAME — the first value of NAME in the JSON on stdin (a string, number, boolean or null).
# Enough for these answers, whose fields Keywarden writes in a fixed order; no jq needed.
field() {
  grep -o "\"$1\":\(\"[^\"]*\"\|[-0-9.a-z]*\)" | head -n 1 | sed -e "s/^\"$1\"://" -e 's/^"//' -e 's/"$//'
}

header() { tr -d '\r' <"$work/headers" | sed -n "s/^$1: *//Ip" | head -n 1; }

# poll PATH — waits until the run there is no longer running; prints its final status.
poll() {
  local status
  for _ in $(seq 1 120); do
    status=$(api GET "$1" | field status)
    if [ "$status" != running ]; then
      echo "$status"
      return 0
    fi
    sleep 1
  done
  echo "✘ $1 still running after 2 minutes" >&2
  return 1
}

succeeded() {
  [ "$1" = succeeded ] || { echo "✘ the push ended $1: read its steps for why (GET the address above)" >&2; exit 1; }
}

# A token the machine user created. Sandbox: the simulator's Console page shows it once in its
# answer. Live: a person creates it in the Platform.sh Console and pastes it (not echoed).
new_token() {
  local name=$1 token
  if [ -n "${console_url:-}" ]; then
    token=$(printf 'name=%s' "$name" | curl -sS -X POST --data-binary @- "$console_url" | sed -n 's/.*<output id="api-token"[^>]*>\([^<]*\)<\/output>.*/\1/p')
  else
    read -rsp "Sign in to the Console as $email, create an API token named \"$name\" and paste it here: " token </dev/tty
    echo >&2
  fi
  [ -n "$token" ] || { echo '✘ no token' >&2; return 1; }
  printf '%s' "$token"
}

echo "1. Invite $email to $PROJECT_ID (viewer on development environments; nothing elsewhere)"
invite=$(printf '{"project_id":"%s","email":"%s","purpose":"custom","owner_email":"%s","environment_type_roles":{"production":"none","staging":"none","development":"viewer"}%s}' \
  "$PROJECT_ID" "$email" "$OWNER_EMAIL" "${OVERRIDE_REASON:+,\"override_reason\":\"$OVERRIDE_REASON\"}")
machine_user=$(api POST /api/v1/machine-users "$invite" | field id)
echo "   machine user $machine_user"

echo '2. The machine user accepts the invitation'
if accepted=$(api POST "/api/v1/machine-users/$machine_user/sandbox/accept" 2>/dev/null); then
  console_url=$(printf '%s' "$accepted" | field token_console_url)
  echo "   accepted in the sandbox; its Console: $console_url"
else
  read -rp "   Accept the invitation sent to $email, then press Enter. " _ </dev/tty
  until [ "$(api GET "/api/v1/machine-users/$machine_user" | field state)" = active ]; do
    run=$(api POST /api/v1/projects/sync '{}' >/dev/null && header location)
    poll "$run" >/dev/null
  done
fi

echo "3. Record its token and push it to $ENVIRONMENT_ID"
token=$(new_token 'keywarden walkthrough')
recorded=$(api POST "/api/v1/machine-users/$machine_user/tokens" "$(printf '{"token":"%s","name":"cron backups","environments":["%s"],"replace_foreign":true}' "$token" "$ENVIRONMENT_ID")")
unset token
token_id=$(printf '%s' "$recorded" | field id)
push=$(header location)
outcome=$(poll "$push")
echo "   token record $token_id, push $push: $outcome"
succeeded "$outcome"

echo '4. Rotate it'
token=$(new_token 'keywarden walkthrough, rotated')
api POST "/api/v1/tokens/$token_id/rotate" "$(printf '{"token":"%s"}' "$token")" >/dev/null
unset token
push=$(header location)
outcome=$(poll "$push")
echo "   push $push: $outcome; the old record is $(api GET "/api/v1/tokens/$token_id" | field status)"
succeeded "$outcome"

echo "5. Export the audit log to $audit_file"
curl -sS -f -H @"$work/auth" -H 'Accept: application/x-ndjson' "$base/api/v1/audit?since=0" >"$audit_file"
echo "   $(wc -l <"$audit_file" | tr -d ' ') events, $(grep -c "\"target_id\":\"$machine_user\"" "$audit_file" || true) of them about $email"
echo '✔ done'
