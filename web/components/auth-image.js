// An image that may need the bearer token: upload ids (and /api/ URLs) are fetched as blobs.
import { html, useEffect, useState } from '../vendor/preact-htm.module.js';
import { api } from '../lib/api.js';

const UPLOAD_ID = /^[0-9a-f]{32}$/;

export function AuthImage({ src, alt = '', class: cls = 'thumb', ...rest }) {
  const needsAuth = src && (UPLOAD_ID.test(src) || src.startsWith('/api/'));
  const [url, setUrl] = useState(needsAuth ? null : src);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!needsAuth) {
      setUrl(src && src.startsWith('//') ? 'https:' + src : src);
      return undefined;
    }
    let alive = true;
    let obj = null;
    const path = UPLOAD_ID.test(src) ? `/uploads/${src}` : src;
    api(path, { raw: true })
      .then((r) => r.blob())
      .then((b) => {
        if (!alive) return;
        obj = URL.createObjectURL(b);
        setUrl(obj);
      })
      .catch(() => alive && setFailed(true));
    return () => {
      alive = false;
      if (obj) URL.revokeObjectURL(obj);
    };
  }, [src]);
  if (!src || failed) return html`<span class=${cls + ' thumb-missing'} role="img" aria-label=${alt}></span>`;
  if (!url) return html`<span class=${cls} aria-busy="true"></span>`;
  return html`<img class=${cls} src=${url} alt=${alt} loading="lazy" onError=${() => setFailed(true)} ...${rest} />`;
}
