/** Minimal object validation: the checks that give clients a realistic 422 Invalid. */
import type { ResourceType } from '../api/resource-types.js';
import { invalid, type StatusCause } from '../api/status.js';
import { asArray, asString, getPath, isRecord, type KubeObject } from '../types.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const LABEL_NAMED = new Set(['namespaces', 'services']);

function nameCause(rt: ResourceType, name: string): StatusCause | null {
  if (LABEL_NAMED.has(rt.plural) && !rt.group) {
    if (name.length > 63 || !DNS1123_LABEL.test(name)) {
      return {
        reason: 'FieldValueInvalid',
        field: 'metadata.name',
        message: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      };
    }
    return null;
  }
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    return {
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    };
  }
  return null;
}

function podCauses(obj: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const containers = getPath(obj, ['spec', 'containers']);
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' });
    return causes;
  }
  const seen = new Set<string>();
  containers.forEach((c, i) => {
    const name = asString(getPath(c, ['name']));
    if (!name) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `spec.containers[${i}].name` });
    else if (seen.has(name)) causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: "${name}"`, field: `spec.containers[${i}].name` });
    else seen.add(name);
    if (!asString(getPath(c, ['image']))) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `spec.containers[${i}].image` });
  });
  return causes;
}

function labelCauses(obj: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const labels = obj.metadata.labels;
  if (labels !== undefined && !isRecord(labels)) {
    causes.push({ reason: 'FieldValueInvalid', message: 'Invalid value: labels must be a map of strings', field: 'metadata.labels' });
    return causes;
  }
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (typeof v !== 'string') {
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: label "${k}" must be a string`, field: 'metadata.labels' });
    } else if (v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) {
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`, field: `metadata.labels` });
    }
  }
  const ann = obj.metadata.annotations;
  if (ann !== undefined && (!isRecord(ann) || Object.values(ann).some((v) => typeof v !== 'string'))) {
    causes.push({ reason: 'FieldValueInvalid', message: 'Invalid value: annotations must be a map of strings', field: 'metadata.annotations' });
  }
  return causes;
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const CONFIG_KEY_MESSAGE = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const MAX_SECRET_BYTES = 1024 * 1024;

/** Keys of ConfigMap data/binaryData and Secret data (IsConfigMapKey), and a Secret's size. */
function dataCauses(obj: KubeObject, fields: readonly string[], secret: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  let size = 0;
  for (const field of fields) {
    const m = (obj as Record<string, unknown>)[field];
    if (!isRecord(m)) continue;
    for (const [k, v] of Object.entries(m)) {
      if (k.length > 253) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${k}": must be no more than 253 characters`, field: `${field}[${k}]` });
      else if (!CONFIG_KEY.test(k) || k === '.' || k === '..' || k.startsWith('..')) {
        const why = CONFIG_KEY.test(k) ? (k.startsWith('..') && k.length > 2 ? "must not start with '..'" : "must not be '.' or '..'") : CONFIG_KEY_MESSAGE;
        causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${k}": ${why}`, field: `${field}[${k}]` });
      }
      if (secret && typeof v === 'string') size += Buffer.byteLength(v, 'base64');
    }
  }
  if (secret && size > MAX_SECRET_BYTES) causes.push({ reason: 'FieldValueTooLong', message: `Too long: must have at most ${MAX_SECRET_BYTES} bytes`, field: 'data' });
  return causes;
}

/** Throws 422 Invalid when the object cannot be stored. `name` must already be resolved. */
export function validateObject(rt: ResourceType, obj: KubeObject): void {
  const name = obj.metadata.name ?? '';
  const causes: StatusCause[] = [];
  if (!name) causes.push({ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' });
  else {
    const c = nameCause(rt, name);
    if (c) causes.push(c);
  }
  causes.push(...labelCauses(obj));
  if (!rt.group && rt.plural === 'pods') causes.push(...podCauses(obj));
  if (!rt.group && rt.plural === 'secrets') causes.push(...dataCauses(obj, ['data'], true));
  if (!rt.group && rt.plural === 'configmaps') causes.push(...dataCauses(obj, ['data', 'binaryData'], false));
  if (rt.group === 'apps' && (rt.plural === 'deployments' || rt.plural === 'replicasets' || rt.plural === 'statefulsets')) {
    const replicas = getPath(obj, ['spec', 'replicas']);
    if (replicas !== undefined && (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas))) {
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' });
    }
    if (asArray(getPath(obj, ['spec', 'template', 'spec', 'containers'])).length === 0) {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers' });
    }
  }
  if (causes.length > 0) throw invalid(rt.kind, name, causes, rt.group);
}
