#!/usr/bin/env bash
# Starts (before npm test) the local services the trigger and cluster tests talk to, each only if its port is
# closed: PostgreSQL 5432, Redis 6379, RabbitMQ 5672, Mosquitto 1883, NATS with JetStream 4222.
# The commands are this machine kind's own (node-svc); a service that is not installed is
# reported and its tests skip themselves.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  local name=$1 port=$2; shift 2
  if port_open "$port"; then return 0; fi
  echo "starting $name (port $port)"
  "$@" || { echo "could not start $name: its tests will be skipped" >&2; return 0; }
  for _ in $(seq 1 60); do port_open "$port" && return 0; sleep 0.5; done
  echo "$name did not open port $port: its tests will be skipped" >&2
}

start PostgreSQL 5432 bash -c 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'
start Redis 6379 redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
start RabbitMQ 5672 rabbitmq-server -detached
start Mosquitto 1883 mosquitto -d -c /etc/mosquitto/mosquitto.conf
start NATS 4222 start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
exit 0
