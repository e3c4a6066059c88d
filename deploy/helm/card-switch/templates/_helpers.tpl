{{/* The chart's name, or nameOverride. */}}
{{- define "card-switch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's full name: the base of every resource name. Truncated to 52 characters, so that
"<fullname>-headless" and the pods' names stay within Kubernetes' 63.
*/}}
{{- define "card-switch.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "card-switch.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The labels every resource carries. */}}
{{- define "card-switch.labels" -}}
helm.sh/chart: {{ include "card-switch.chart" . }}
{{ include "card-switch.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: card-switch
{{- end }}

{{/* The labels that select the pods: never change them on an installed release (selectors are immutable). */}}
{{- define "card-switch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "card-switch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "card-switch.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "card-switch.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "card-switch.headlessServiceName" -}}
{{- printf "%s-headless" (include "card-switch.fullname" .) }}
{{- end }}

{{- define "card-switch.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Whether the webhook ingress runs (INGRESS_ENABLED, the application's own default: true). */}}
{{- define "card-switch.ingressEnabled" -}}
{{- ne (toString (default "true" .Values.config.INGRESS_ENABLED) | lower) "false" }}
{{- end }}

{{- define "card-switch.adminPort" -}}
{{- default "8080" .Values.config.ADMIN_PORT | toString }}
{{- end }}

{{- define "card-switch.ingressPort" -}}
{{- default "8088" .Values.config.INGRESS_PORT | toString }}
{{- end }}

{{- define "card-switch.cardKeysSecretName" -}}
{{- default .Values.secret.name .Values.secret.cardKeysSecretName }}
{{- end }}

{{/*
Checks that need more than the schema: the required settings, and no more instances than partitions.
`required` only warns under `helm lint` (Helm's lint mode), so the chart lints with its defaults and
refuses to render without them.
*/}}
{{- define "card-switch.validate" -}}
{{- $_ := required "config.KAFKA_BOOTSTRAP_SERVERS is not set: give the Kafka cluster's bootstrap servers (--set config.KAFKA_BOOTSTRAP_SERVERS=broker-1:9092,...)" .Values.config.KAFKA_BOOTSTRAP_SERVERS }}
{{- $_ := required "config.SCHEMA_REGISTRY_URL is not set: give the Schema Registry's URL (--set config.SCHEMA_REGISTRY_URL=https://registry:8081)" .Values.config.SCHEMA_REGISTRY_URL }}
{{- $_ := required "config.KNOT_BASE_URL is not set: give Knot's base URL (--set config.KNOT_BASE_URL=https://development.knotapi.com)" .Values.config.KNOT_BASE_URL }}
{{- $_ := required "secret.name is not set: create the Secret with KNOT_CLIENT_ID, KNOT_SECRET and card-keys.json (README, Running on Kubernetes) and give its name (--set secret.name=...)" .Values.secret.name }}
{{- $partitions := int (default "6" .Values.config.TOPIC_PARTITIONS) }}
{{- if gt (int .Values.replicaCount) $partitions }}
{{- fail (printf "replicaCount is %d but config.TOPIC_PARTITIONS is %d: an instance beyond the partition count gets no task; lower replicaCount, or add partitions to the topics and raise TOPIC_PARTITIONS" (int .Values.replicaCount) $partitions) }}
{{- end }}
{{- end }}
