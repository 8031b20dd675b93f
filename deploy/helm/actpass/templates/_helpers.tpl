{{- define "actpass.name" -}}
{{- .Chart.Name -}}
{{- end -}}

{{- define "actpass.labels" -}}
app.kubernetes.io/name: {{ include "actpass.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "actpass.selector" -}}
app.kubernetes.io/name: {{ include "actpass.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every container: no root, no privilege escalation, nothing writable but /tmp. */}}
{{- define "actpass.containerSecurity" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: ["ALL"]
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{- define "actpass.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}
