/**
 * Query parameters decoded as kube-apiserver decodes them (its parameter codec, which uses
 * apimachinery's runtime.Convert_Slice_string_To_bool / _To_Pointer_bool for every boolean of
 * ListOptions, PodLogOptions, PodExecOptions, DeleteOptions, …):
 * absent → false (or unset for optional ones); a first value of "0" or "false" in any case →
 * false; anything else, including "", "t", "yes" or "True", → true. A boolean is never a 400.
 */

/** The first value's truth as the apiserver reads it; undefined when the parameter is absent. */
export function optionalQueryBool(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  return !(v === '0' || v.toLowerCase() === 'false');
}

/** A boolean query parameter: absent → false. */
export function queryBool(q: URLSearchParams, name: string): boolean {
  return optionalQueryBool(q, name) ?? false;
}
