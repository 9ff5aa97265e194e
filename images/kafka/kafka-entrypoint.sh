#!/bin/sh
# Writes server.properties from the environment, formats the log dir on first start, then runs Kafka.
set -eu
DATA=/var/lib/kafka/data
CONF=/var/lib/kafka/server.properties
: "${KAFKA_NODE_ID:=1}"
: "${KAFKA_CLUSTER_ID:=cGxheWdyb3VuZC1rYWZrYQ}"
: "${KAFKA_LISTENERS:=PLAINTEXT://:9092,CONTROLLER://:9093}"
: "${KAFKA_ADVERTISED_LISTENERS:=PLAINTEXT://kafka:9092}"
: "${KAFKA_NUM_PARTITIONS:=3}"
: "${KAFKA_HEAP_OPTS:=-Xms128m -Xmx512m}"
# A COMPLETED execution event carries the whole result: up to the executor's maximum output per stream, twice,
# plus the compile step's. 64 MiB holds the default maximum (8 MiB per stream) with room for JSON escaping.
: "${KAFKA_MESSAGE_MAX_BYTES:=67108864}"

cat > "$CONF" <<PROPS
process.roles=broker,controller
node.id=${KAFKA_NODE_ID}
controller.quorum.voters=${KAFKA_NODE_ID}@localhost:9093
listeners=${KAFKA_LISTENERS}
advertised.listeners=${KAFKA_ADVERTISED_LISTENERS}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=${DATA}
num.partitions=${KAFKA_NUM_PARTITIONS}
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
message.max.bytes=${KAFKA_MESSAGE_MAX_BYTES}
replica.fetch.max.bytes=${KAFKA_MESSAGE_MAX_BYTES}
PROPS

CP="/opt/kafka/libs/*"
JAVA_OPTS="${KAFKA_HEAP_OPTS} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties"
if [ ! -f "$DATA/meta.properties" ]; then
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp "$CP" kafka.tools.StorageTool format -t "$KAFKA_CLUSTER_ID" -c "$CONF" --ignore-formatted
fi
# shellcheck disable=SC2086
exec java $JAVA_OPTS -cp "$CP" kafka.Kafka "$CONF"
