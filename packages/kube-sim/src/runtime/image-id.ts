/**
 * A container status's `imageID` as containerd reports it: the image's repository, normalised as
 * docker does (`nginx` → `docker.io/library/nginx`, `bitnami/redis` → `docker.io/bitnami/redis`; a
 * reference whose first part names a registry — a dot, a port or `localhost` — kept as it is), its
 * tag dropped, then `@sha256:` and the digest: the one the reference pins, else `digest`.
 */
export function imageId(image: string, digest: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const pinned = at >= 0 ? /^sha256:([0-9a-f]{64})$/.exec(image.slice(at + 1))?.[1] : undefined;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const repo = colon > slash ? name.slice(0, colon) : name;
  return `${normalisedRepo(repo)}@sha256:${pinned ?? digest}`;
}

function normalisedRepo(repo: string): string {
  const slash = repo.indexOf('/');
  const first = slash >= 0 ? repo.slice(0, slash) : '';
  const registry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!registry) return `docker.io/${repo.includes('/') ? repo : `library/${repo}`}`;
  const path = repo.slice(slash + 1);
  // docker's own names for Docker Hub: its official images live under library/.
  if (first === 'docker.io' || first === 'index.docker.io') return `docker.io/${path.includes('/') ? path : `library/${path}`}`;
  return repo;
}
