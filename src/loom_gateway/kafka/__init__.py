"""Everything that talks to Kafka: client configuration, the producer, topic administration."""
