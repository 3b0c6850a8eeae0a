{{/* Chart name. */}}
{{- define "controlplane.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name (release-scoped). */}}
{{- define "controlplane.fullname" -}}
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

{{- define "controlplane.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels shared by every object. */}}
{{- define "controlplane.labels" -}}
helm.sh/chart: {{ include "controlplane.chart" . }}
app.kubernetes.io/name: {{ include "controlplane.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: controlplane
{{- end }}

{{/* Selector of the API pods (the migration Job's pods carry component=migrate and never match). */}}
{{- define "controlplane.selectorLabels" -}}
app.kubernetes.io/name: {{ include "controlplane.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: api
{{- end }}

{{- define "controlplane.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "controlplane.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "controlplane.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* Name of the Secret holding connection string, bootstrap client and object-store keys. */}}
{{- define "controlplane.secretName" -}}
{{- if .Values.secret.existingSecret }}
{{- .Values.secret.existingSecret }}
{{- else if .Values.secret.create }}
{{- include "controlplane.fullname" . }}
{{- else }}
{{- fail "set secret.existingSecret (recommended) or secret.create=true" }}
{{- end }}
{{- end }}

{{/*
Secret-backed and plain configuration env vars shared by the Deployment and the migration Job.
Call with (dict "root" $ "secretName" NAME).
*/}}
{{- define "controlplane.env" -}}
{{- $root := .root }}
{{- $v := $root.Values -}}
- name: ASPNETCORE_ENVIRONMENT
  value: {{ $v.environment | quote }}
- name: ConnectionStrings__ControlPlane
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: connection-string
- name: Bootstrap__OperatorClientId
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: operator-client-id
- name: Bootstrap__OperatorClientSecret
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: operator-client-secret
- name: CredentialEncryption__Keys__{{ $v.secret.credentialKeyId }}
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: credential-encryption-key
- name: CredentialEncryption__ActiveKeyId
  value: {{ $v.secret.credentialKeyId | quote }}
- name: ObjectStore__AccessKey
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: object-store-access-key
      optional: true
- name: ObjectStore__SecretKey
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: object-store-secret-key
      optional: true
{{- with $v.config.objectStore }}
{{- if .serviceUrl }}
- name: ObjectStore__ServiceUrl
  value: {{ .serviceUrl | quote }}
{{- end }}
- name: ObjectStore__Bucket
  value: {{ .bucket | quote }}
- name: ObjectStore__ForcePathStyle
  value: {{ .forcePathStyle | toString | quote }}
{{- end }}
{{- with $v.config.identity }}
- name: Identity__Issuer
  value: {{ required "config.identity.issuer is required: tokens must name a fixed issuer, never the request's Host" .issuer | quote }}
{{- if .accessTokenLifetime }}
- name: Identity__AccessTokenLifetime
  value: {{ .accessTokenLifetime | quote }}
{{- end }}
{{- end }}
{{- if $v.config.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $v.config.otlpEndpoint | quote }}
{{- end }}
{{- with $v.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}
