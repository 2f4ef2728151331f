{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "llmload.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name: the prefix of every object. */}}
{{- define "llmload.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "llmload.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. Call with (dict "ctx" $ "component" "master"). */}}
{{- define "llmload.labels" -}}
helm.sh/chart: {{ include "llmload.chart" .ctx }}
{{ include "llmload.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: llmload
{{- end }}

{{/* Labels that select a component's pods. Call with (dict "ctx" $ "component" "agent"). */}}
{{- define "llmload.selectorLabels" -}}
app.kubernetes.io/name: {{ include "llmload.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end }}

{{- define "llmload.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The master Job: one per release revision, so `helm upgrade` starts a new run. */}}
{{- define "llmload.masterJob" -}}
{{- printf "%s-master-%d" (include "llmload.fullname" .) (int .Release.Revision) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "llmload.masterService" -}}
{{- printf "%s-master" (include "llmload.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "llmload.mockService" -}}
{{- printf "%s-mock" (include "llmload.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The endpoint: scenario.url, or the in-cluster mock. */}}
{{- define "llmload.url" -}}
{{- if .Values.scenario.url }}
{{- .Values.scenario.url }}
{{- else if .Values.mock.enabled }}
{{- printf "http://%s:8000" (include "llmload.mockService" .) }}
{{- else }}
{{- fail "scenario.url is required (or set mock.enabled=true for a dry run)" }}
{{- end }}
{{- end }}

{{- define "llmload.model" -}}
{{- if or .Values.scenario.model .Values.scenario.url }}
{{- .Values.scenario.model }}
{{- else }}
{{- .Values.mock.model }}
{{- end }}
{{- end }}

{{/* Secret holding the API key / token: an existing one, or the chart's when a value is given. */}}
{{- define "llmload.apiKeySecret" -}}
{{- if .Values.apiKey.existingSecret }}{{ .Values.apiKey.existingSecret }}{{- else if .Values.apiKey.value }}{{ include "llmload.fullname" . }}{{- end }}
{{- end }}

{{- define "llmload.tokenSecret" -}}
{{- if .Values.token.existingSecret }}{{ .Values.token.existingSecret }}{{- else if .Values.token.value }}{{ include "llmload.fullname" . }}{{- end }}
{{- end }}

{{- define "llmload.tokenEnv" -}}
{{- if include "llmload.tokenSecret" . }}
- name: LLMLOAD_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "llmload.tokenSecret" . }}
      key: {{ .Values.token.key }}
{{- end }}
{{- end }}

{{- define "llmload.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "llmload.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end }}
