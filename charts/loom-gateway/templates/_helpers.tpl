{{/*
Names and labels. Kubernetes names and label values stop at 63 characters: every name is truncated
there, and a suffixed name truncates its base so that the suffix survives.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "loom-gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* "<release>-<chart>", or just the release name when it already holds the chart name, or fullnameOverride. */}}
{{- define "loom-gateway.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The full name with a suffix, within 63 characters: (dict "context" $ "suffix" "topics"). */}}
{{- define "loom-gateway.suffixedName" -}}
{{- $suffix := printf "-%s" .suffix -}}
{{- $base := include "loom-gateway.fullname" .context | trunc (int (sub 63 (len $suffix))) | trimSuffix "-" -}}
{{- printf "%s%s" $base $suffix -}}
{{- end -}}

{{/* The helm.sh/chart label. */}}
{{- define "loom-gateway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the gateway's pods (Deployment, Service, PDB, NetworkPolicy, ServiceMonitor). */}}
{{- define "loom-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "loom-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/component: gateway
{{- end -}}

{{/* Labels of every resource, without the component. */}}
{{- define "loom-gateway.baseLabels" -}}
helm.sh/chart: {{ include "loom-gateway.chart" . }}
app.kubernetes.io/name: {{ include "loom-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/version: {{ .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: loom
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels of the gateway's resources. */}}
{{- define "loom-gateway.labels" -}}
{{ include "loom-gateway.baseLabels" . }}
app.kubernetes.io/component: gateway
{{- end -}}

{{/* Labels of the topic-bootstrap Job and its pod. */}}
{{- define "loom-gateway.topicJobLabels" -}}
{{ include "loom-gateway.baseLabels" . }}
app.kubernetes.io/component: topic-bootstrap
{{- end -}}

{{/* The ServiceAccount the gateway pods use. */}}
{{- define "loom-gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "loom-gateway.fullname" .) .Values.serviceAccount.name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The image reference: repository@digest, or repository:tag (the tag defaulting to appVersion). */}}
{{- define "loom-gateway.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the API keys. */}}
{{- define "loom-gateway.apiKeysSecretName" -}}
{{- if .Values.auth.existingSecret -}}
{{- .Values.auth.existingSecret -}}
{{- else -}}
{{- include "loom-gateway.suffixedName" (dict "context" . "suffix" "api-keys") -}}
{{- end -}}
{{- end -}}

{{/*
Seconds the gateway may need to drain after SIGTERM (D = LOOM_KAFKA_DELIVERY_TIMEOUT_MS in seconds):
the preStop sleep; in-flight requests, each answered within D + 5 s (the producer's grace for a late
delivery report, _REPORT_GRACE_S in src/loom_gateway/kafka/producer.py); then the device registry's
last activity write and the producers' final flush, at most D each.
*/}}
{{- define "loom-gateway.drainSeconds" -}}
{{- $delivery := divf .Values.kafka.deliveryTimeoutMs 1000 | ceil | int -}}
{{- add (int .Values.shutdown.preStopSleepSeconds) (mul 3 $delivery) 5 -}}
{{- end -}}

{{/* The pods' terminationGracePeriodSeconds: the drain plus a margin. */}}
{{- define "loom-gateway.terminationGracePeriodSeconds" -}}
{{- add (include "loom-gateway.drainSeconds" . | int) (int .Values.shutdown.marginSeconds) -}}
{{- end -}}

{{/*
The catalog checksum: sha256 over "<path>\n<content>\n" of every file under catalog/ (a link to
generated/loom_catalog/schemas), in name order. charts/check.py recomputes it from generated/.
*/}}
{{- define "loom-gateway.catalogDigest" -}}
{{- if .Values.catalog.digest -}}
{{- .Values.catalog.digest -}}
{{- else -}}
{{- $files := .Files.Glob "catalog/**" -}}
{{- $text := "" -}}
{{- range $path, $content := $files -}}
{{- $text = printf "%s%s\n%s\n" $text $path (toString $content) -}}
{{- end -}}
{{- if not $text -}}
{{- fail "catalog/ holds no files: the chart's catalog/ link to generated/loom_catalog/schemas is missing or broken; set catalog.digest or restore it" -}}
{{- end -}}
{{- printf "sha256:%s" (sha256sum $text) -}}
{{- end -}}
{{- end -}}

{{/*
The gateway's settings as LOOM_* variables, every value a string: the ConfigMap's data, and the
topic Job's environment (a hook runs before the ConfigMap exists). LOOM_KAFKA_CLIENT_CONFIG is not
here: it may hold $(VAR) references to Secret-backed variables, which Kubernetes only expands in a
container's env, so it goes there (see loom-gateway.kafkaEnv).
*/}}
{{- define "loom-gateway.settings" -}}
LOOM_HOST: {{ .Values.gateway.host | quote }}
LOOM_PORT: "8000"
LOOM_WORKERS: {{ .Values.gateway.workers | int64 | quote }}
LOOM_LOG_LEVEL: {{ .Values.gateway.logLevel | quote }}
LOOM_LOG_FORMAT: {{ .Values.gateway.logFormat | quote }}
LOOM_ACCESS_LOG: {{ .Values.gateway.accessLog | quote }}
LOOM_CATALOG: {{ .Values.gateway.catalog | quote }}
LOOM_AUTH_DISABLED: {{ .Values.auth.disabled | toJson | quote }}
{{- if and (not .Values.auth.disabled) (eq .Values.auth.mode "file") }}
LOOM_API_KEYS_FILE: {{ printf "/etc/loom/api-keys/%s" .Values.auth.secretKey | quote }}
{{- end }}
LOOM_MAX_IN_FLIGHT_REQUESTS: {{ .Values.gateway.maxInFlightRequests | int64 | quote }}
LOOM_DEVICE_RATE_LIMIT: {{ .Values.gateway.deviceRateLimit | toString | quote }}
LOOM_DEVICE_RATE_BURST: {{ .Values.gateway.deviceRateBurst | int64 | quote }}
LOOM_IDEMPOTENCY_WINDOW_S: {{ .Values.gateway.idempotencyWindowSeconds | toString | quote }}
LOOM_IDEMPOTENCY_MAX_ENTRIES: {{ .Values.gateway.idempotencyMaxEntries | int64 | quote }}
LOOM_STATE_TIMEOUT_MS: {{ .Values.state.timeoutMs | int64 | quote }}
LOOM_STATE_KEY_PREFIX: {{ .Values.state.keyPrefix | quote }}
LOOM_QUARANTINE_ENABLED: {{ .Values.gateway.quarantineEnabled | toString | quote }}
LOOM_VALUE_FORMAT: {{ .Values.gateway.valueFormat | quote }}
LOOM_DEVICE_ACTIVITY_FLUSH_S: {{ .Values.gateway.deviceActivityFlushSeconds | toString | quote }}
LOOM_KAFKA_BOOTSTRAP_SERVERS: {{ .Values.kafka.bootstrapServers | quote }}
LOOM_KAFKA_AUTO_CREATE_TOPICS: {{ .Values.kafka.autoCreateTopics | toJson | quote }}
LOOM_KAFKA_DEFAULT_PARTITIONS: {{ .Values.kafka.defaultPartitions | int64 | quote }}
LOOM_KAFKA_DEFAULT_REPLICATION_FACTOR: {{ .Values.kafka.defaultReplicationFactor | int64 | quote }}
LOOM_KAFKA_TOPIC_PREFIX: {{ .Values.kafka.topicPrefix | quote }}
LOOM_KAFKA_TOPIC_OVERRIDES: {{ .Values.kafka.topicOverrides | toJson | quote }}
LOOM_KAFKA_DELIVERY_TIMEOUT_MS: {{ .Values.kafka.deliveryTimeoutMs | int64 | quote }}
LOOM_KAFKA_LINGER_MS: {{ .Values.kafka.lingerMs | toString | quote }}
LOOM_KAFKA_QUEUE_MAX_MESSAGES: {{ .Values.kafka.queueMaxMessages | int64 | quote }}
LOOM_KAFKA_BOOTSTRAP_TIMEOUT_S: {{ .Values.kafka.bootstrapTimeoutSeconds | toString | quote }}
LOOM_KAFKA_STATISTICS_INTERVAL_MS: {{ .Values.kafka.statisticsIntervalMs | int64 | quote }}
{{- end -}}

{{/*
librdkafka properties for LOOM_KAFKA_CLIENT_CONFIG: security.protocol, SASL and TLS from kafka.sasl
and kafka.tls, then kafka.clientConfig on top. SASL credentials are $(VAR) references.
*/}}
{{- define "loom-gateway.kafkaClientConfig" -}}
{{- $kafka := .Values.kafka -}}
{{- $config := dict -}}
{{- if and $kafka.sasl.enabled $kafka.tls.enabled -}}
{{- $_ := set $config "security.protocol" "SASL_SSL" -}}
{{- else if $kafka.sasl.enabled -}}
{{- $_ := set $config "security.protocol" "SASL_PLAINTEXT" -}}
{{- else if $kafka.tls.enabled -}}
{{- $_ := set $config "security.protocol" "SSL" -}}
{{- end -}}
{{- if $kafka.sasl.enabled -}}
{{- $_ := set $config "sasl.mechanism" $kafka.sasl.mechanism -}}
{{- $_ := set $config "sasl.username" "$(KAFKA_SASL_USERNAME)" -}}
{{- $_ := set $config "sasl.password" "$(KAFKA_SASL_PASSWORD)" -}}
{{- end -}}
{{- if $kafka.tls.enabled -}}
{{- if and $kafka.tls.existingSecret $kafka.tls.caKey -}}
{{- $_ := set $config "ssl.ca.location" (printf "/etc/loom/kafka-tls/%s" $kafka.tls.caKey) -}}
{{- else -}}
{{- $_ := set $config "ssl.ca.location" "probe" -}}
{{- end -}}
{{- if and $kafka.tls.existingSecret $kafka.tls.certKey -}}
{{- $_ := set $config "ssl.certificate.location" (printf "/etc/loom/kafka-tls/%s" $kafka.tls.certKey) -}}
{{- end -}}
{{- if and $kafka.tls.existingSecret $kafka.tls.keyKey -}}
{{- $_ := set $config "ssl.key.location" (printf "/etc/loom/kafka-tls/%s" $kafka.tls.keyKey) -}}
{{- end -}}
{{- end -}}
{{- range $key, $value := $kafka.clientConfig -}}
{{- $_ := set $config $key $value -}}
{{- end -}}
{{- toJson $config -}}
{{- end -}}

{{/*
Container env entries shared by the gateway and the topic Job: SASL credentials from their Secret,
then LOOM_KAFKA_CLIENT_CONFIG (which refers to them; Kubernetes expands $(VAR) only for variables
defined earlier in the list).
*/}}
{{- define "loom-gateway.kafkaEnv" -}}
{{- if .Values.kafka.sasl.enabled }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ required "kafka.sasl.existingSecret is required when kafka.sasl.enabled is true" .Values.kafka.sasl.existingSecret }}
      key: {{ .Values.kafka.sasl.usernameKey }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.sasl.existingSecret }}
      key: {{ .Values.kafka.sasl.passwordKey }}
{{- end }}
- name: LOOM_KAFKA_CLIENT_CONFIG
  value: {{ include "loom-gateway.kafkaClientConfig" . | quote }}
{{- end -}}

{{/* The Kafka TLS Secret as a volume, when there is one. */}}
{{- define "loom-gateway.kafkaTlsVolume" -}}
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.existingSecret }}
- name: kafka-tls
  secret:
    secretName: {{ .Values.kafka.tls.existingSecret }}
    defaultMode: 0440
{{- end }}
{{- end -}}

{{- define "loom-gateway.kafkaTlsVolumeMount" -}}
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.existingSecret }}
- name: kafka-tls
  mountPath: /etc/loom/kafka-tls
  readOnly: true
{{- end }}
{{- end -}}

{{/* The trial state store's name (its Deployment and Service). */}}
{{- define "loom-gateway.stateStoreName" -}}
{{- include "loom-gateway.suffixedName" (dict "context" . "suffix" "state") -}}
{{- end -}}

{{/* Labels of the trial state store and its pod (selectorLabels: what its Service selects). */}}
{{- define "loom-gateway.stateStoreSelectorLabels" -}}
app.kubernetes.io/name: {{ include "loom-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/component: state-store
{{- end -}}

{{/* LOOM_STATE_URL in the gateway's env: from state.existingSecret, or the trial store's Service. */}}
{{- define "loom-gateway.stateEnv" -}}
{{- if .Values.state.existingSecret }}
- name: LOOM_STATE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.state.existingSecret }}
      key: {{ .Values.state.secretKey }}
{{- else if .Values.state.trial.enabled }}
- name: LOOM_STATE_URL
  value: {{ printf "redis://%s:6379/0" (include "loom-gateway.stateStoreName" .) | quote }}
{{- end }}
{{- end -}}

{{/* The pod-level security context: never root, RuntimeDefault seccomp. */}}
{{- define "loom-gateway.podSecurityContext" -}}
runAsNonRoot: true
{{- with .Values.securityContext.runAsUser }}
runAsUser: {{ . | int64 }}
{{- end }}
{{- with .Values.securityContext.runAsGroup }}
runAsGroup: {{ . | int64 }}
{{- end }}
{{- with .Values.securityContext.fsGroup }}
fsGroup: {{ . | int64 }}
{{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The container-level security context: read-only root, no capabilities, no escalation. */}}
{{- define "loom-gateway.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Refuse combinations that would deploy a gateway that cannot start or cannot be reached. */}}
{{- define "loom-gateway.validate" -}}
{{- if and .Values.auth.create .Values.auth.existingSecret -}}
{{- fail "auth.create and auth.existingSecret exclude each other: the chart creates the Secret, or you name yours" -}}
{{- end -}}
{{- if and .Values.auth.create (not .Values.auth.apiKeys) -}}
{{- fail "auth.create needs at least one key in auth.apiKeys: [\"<key>\"] or {\"<key>\": \"*\"}" -}}
{{- end -}}
{{- if and .Values.auth.apiKeys (not .Values.auth.create) -}}
{{- fail "auth.apiKeys is only read with auth.create: true (development); otherwise keep keys in auth.existingSecret" -}}
{{- end -}}
{{- if and .Values.state.existingSecret .Values.state.trial.enabled -}}
{{- fail "state.existingSecret and state.trial.enabled exclude each other: your own store, or the trial one" -}}
{{- end -}}
{{- if and .Values.kafka.sasl.enabled (not .Values.kafka.sasl.existingSecret) -}}
{{- fail "kafka.sasl.enabled needs kafka.sasl.existingSecret: the Secret with the SASL username and password" -}}
{{- end -}}
{{- if and .Values.podDisruptionBudget.enabled (not (kindIs "invalid" .Values.podDisruptionBudget.maxUnavailable)) (not (kindIs "invalid" .Values.podDisruptionBudget.minAvailable)) -}}
{{- fail "podDisruptionBudget: set maxUnavailable or minAvailable, not both (null the other)" -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled (kindIs "invalid" .Values.autoscaling.targetCPUUtilizationPercentage) (kindIs "invalid" .Values.autoscaling.targetMemoryUtilizationPercentage) -}}
{{- fail "autoscaling.enabled needs targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage" -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) -}}
{{- fail "autoscaling.minReplicas is above autoscaling.maxReplicas" -}}
{{- end -}}
{{- end -}}
