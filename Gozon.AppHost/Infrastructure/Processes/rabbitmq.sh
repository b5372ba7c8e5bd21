#!/usr/bin/env bash
# RabbitMQ in the foreground for the AppHost's Process mode: a node of its own ($RABBITMQ_NODENAME) with its
# configuration, data and logs in $GOZON_STATE, listening on 127.0.0.1:$GOZON_AMQP_PORT only, isolated from
# /etc/rabbitmq and from any system node. The user and password are set on every start.
set -euo pipefail
: "${GOZON_STATE:?}" "${GOZON_AMQP_PORT:?}" "${RABBITMQ_DIST_PORT:?}" "${RABBITMQ_DEFAULT_USER:?}" "${RABBITMQ_DEFAULT_PASS:?}"

server=/usr/lib/rabbitmq/bin/rabbitmq-server
[[ -x "$server" ]] || server=$(command -v rabbitmq-server || true)
if [[ -z "$server" ]]; then
  echo "rabbitmq-server was not found: apt-get install rabbitmq-server (or use --Gozon:Infrastructure=Container)" >&2
  exit 1
fi
ctl="$(dirname "$server")/rabbitmqctl"

mkdir -p "$GOZON_STATE"/{home,mnesia,log}
cat >"$GOZON_STATE/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$GOZON_AMQP_PORT
loopback_users = none
default_user = $RABBITMQ_DEFAULT_USER
default_pass = $RABBITMQ_DEFAULT_PASS
log.console = true
log.console.level = info
log.connection.level = warning
log.file = false
CONF
chmod 600 "$GOZON_STATE/rabbitmq.conf"
echo '[].' >"$GOZON_STATE/enabled_plugins"
: >"$GOZON_STATE/rabbitmq-env.conf"

export HOME="$GOZON_STATE/home"
export RABBITMQ_CONFIG_FILE="$GOZON_STATE/rabbitmq"
export RABBITMQ_ADVANCED_CONFIG_FILE="$GOZON_STATE/advanced.config"
export RABBITMQ_CONF_ENV_FILE="$GOZON_STATE/rabbitmq-env.conf"
export RABBITMQ_ENABLED_PLUGINS_FILE="$GOZON_STATE/enabled_plugins"
export RABBITMQ_MNESIA_BASE="$GOZON_STATE/mnesia" RABBITMQ_LOG_BASE="$GOZON_STATE/log" RABBITMQ_LOGS=-
export RABBITMQ_PID_FILE="$GOZON_STATE/rabbitmq.pid"
unset ERL_EPMD_ADDRESS

as_rabbitmq() { if [[ $(id -u) -eq 0 ]]; then setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups -- "$@"; else "$@"; fi; }
[[ $(id -u) -ne 0 ]] || chown -R rabbitmq:rabbitmq "$GOZON_STATE"

# The operator's rabbitmqctl for this node (its cookie is in $HOME): "$GOZON_STATE/rabbitmqctl list_queues".
cat >"$GOZON_STATE/rabbitmqctl" <<CTL
#!/usr/bin/env bash
export HOME="$HOME" RABBITMQ_CONF_ENV_FILE="$RABBITMQ_CONF_ENV_FILE"
if [[ \$(id -u) -eq 0 ]]; then exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups -- "$ctl" -n "$RABBITMQ_NODENAME" "\$@"; fi
exec "$ctl" -n "$RABBITMQ_NODENAME" "\$@"
CTL
chmod 755 "$GOZON_STATE/rabbitmqctl"

# Not through as_rabbitmq: a function in the background is a subshell, and $! would be that shell, not the node.
node_command=("$server")
[[ $(id -u) -ne 0 ]] || node_command=(setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups -- "$server")
"${node_command[@]}" &
node=$!
trap 'kill -TERM "$node" 2>/dev/null' TERM INT

# default_user applies to a new node only; an existing node gets the current password.
if as_rabbitmq "$ctl" -q -n "$RABBITMQ_NODENAME" await_startup --timeout 120 >/dev/null 2>&1; then
  as_rabbitmq "$ctl" -q -n "$RABBITMQ_NODENAME" change_password "$RABBITMQ_DEFAULT_USER" "$RABBITMQ_DEFAULT_PASS" >/dev/null 2>&1 \
    || echo "could not set the password of $RABBITMQ_DEFAULT_USER" >&2
fi

wait "$node" || true
wait "$node" 2>/dev/null
