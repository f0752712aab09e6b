#!/usr/bin/env bash
# A local three-master Redis Cluster for the tests and the bench (ports 7101-7103, no persistence).
#   scripts/redis-cluster.sh start   start it (does nothing when it already answers cluster_state:ok)
#   scripts/redis-cluster.sh stop    shut the three nodes down and delete their directory
#   scripts/redis-cluster.sh status  print cluster_state (exit 1 when not ok)
# Ports: WACLOUD_CLUSTER_PORTS (default "7101 7102 7103"); data under WACLOUD_CLUSTER_DIR
# (default /tmp/wacloud-redis-cluster).
set -euo pipefail

PORTS=(${WACLOUD_CLUSTER_PORTS:-7101 7102 7103})
DIR=${WACLOUD_CLUSTER_DIR:-/tmp/wacloud-redis-cluster}
FIRST=${PORTS[0]}

cluster_ok() {
  redis-cli -h 127.0.0.1 -p "$FIRST" cluster info 2>/dev/null | grep -q '^cluster_state:ok'
}

wait_for() { # wait_for <command...>: up to 30 s
  for _ in $(seq 1 60); do "$@" && return 0; sleep 0.5; done
  return 1
}

start() {
  if cluster_ok; then
    echo "redis-cluster: already up on ${PORTS[*]}"
    return 0
  fi
  # A half-started cluster (a node down, or nodes never joined): start over from empty nodes.
  stop >/dev/null 2>&1 || true
  mkdir -p "$DIR"
  local nodes=()
  for port in "${PORTS[@]}"; do
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
      --cluster-config-file "nodes-$port.conf" --dir "$DIR" --save "" --appendonly no \
      --daemonize yes --logfile "$DIR/redis-$port.log"
    nodes+=("127.0.0.1:$port")
  done
  for port in "${PORTS[@]}"; do
    wait_for redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null ||
      { echo "redis-cluster: node $port did not start (see $DIR/redis-$port.log)" >&2; exit 1; }
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
  wait_for cluster_ok || { echo "redis-cluster: cluster_state is not ok" >&2; exit 1; }
  echo "redis-cluster: up on ${PORTS[*]}"
}

stop() {
  for port in "${PORTS[@]}"; do
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
  done
  rm -rf "$DIR"
  echo "redis-cluster: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) redis-cli -h 127.0.0.1 -p "$FIRST" cluster info 2>/dev/null | grep '^cluster_state:' || { echo "cluster_state:down"; exit 1; }; cluster_ok ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
