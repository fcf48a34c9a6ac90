import { sendJson } from '../../base/http';
import type { Registration } from '../schemas';
import { registrableMembers } from './data';
import { readJson, sendApiError, type Exchange, type Route } from './router';

/** /__sim/*: for tests and training, never counted and never hit by the faults. */
export const CONTROL_ROUTES: Route[] = [
  { method: 'GET', path: '/__sim/state', handle: stateSnapshot },
  { method: 'POST', path: '/__sim/faults', handle: changeFaults },
  { method: 'GET', path: '/__sim/beneficiaries', handle: beneficiaries },
  { method: 'POST', path: '/__sim/registrations/:id/status', handle: changeStatus },
];

function stateSnapshot({ res, state }: Exchange): void {
  sendJson(res, 200, state.snapshot());
}

async function changeFaults({ req, res, setFaults }: Exchange): Promise<void> {
  const body = (await readJson(req)) as { spec?: unknown };
  try {
    sendJson(res, 200, setFaults(typeof body.spec === 'string' ? body.spec : 'none'));
  } catch (error) {
    sendApiError(res, 400, 'invalid_faults', (error as Error).message);
  }
}

/** Registrable members for a test or a trainer to pick, without their Aadhaar numbers. */
function beneficiaries({ res, url, state }: Exchange): void {
  const list = registrableMembers(state.families, url.searchParams.get('state') ?? undefined).slice(0, Number(url.searchParams.get('limit') ?? 50));
  sendJson(res, 200, list.map(({ aadhaar: _aadhaar, ...rest }) => rest));
}

async function changeStatus({ req, res, params, state }: Exchange): Promise<void> {
  const body = (await readJson(req)) as { status?: Registration['status'] };
  const id = decodeURIComponent(params.id!);
  if (!state.hasRegistration(id) || !body.status) return sendApiError(res, 404, 'not_found', 'no such registration');
  state.setStatus(id, body.status);
  sendJson(res, 200, state.registration(id));
}
