/**
 * The ~200-byte JSON body both the ceiling and the trivial-handler server return, so that the
 * two differ only in the HTTP stack in front of it.
 */
export const BODY = {
  request_id: '0f3c6a52-8f1e-4a0b-9d7e-2b6f1c9a4e11',
  lease_id: '',
  renewable: false,
  lease_duration: 0,
  data: { value: 'benchmark-payload-0123456789abcdef', created: '2025-01-01T00:00:00Z' },
  wrap_info: null,
  warnings: null,
  auth: null,
};
