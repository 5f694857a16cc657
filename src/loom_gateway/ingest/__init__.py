"""From request body to acknowledged Kafka records."""
