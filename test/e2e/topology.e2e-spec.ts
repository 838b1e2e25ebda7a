import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io } from 'socket.io-client';
import request from 'supertest';
import { ctSeriesFromFixture } from '../support/ct-series.js';
import { multipartRelated, stowContentType } from '../support/dicomweb.js';
import { eventually } from '../support/eventually.js';
import {
  buildHub,
  type HubBuild,
  type HubProcess,
  startHubProcess,
  startWorkerProcess,
} from '../support/hub-process.js';
import { s3EnvOf, type S3TestServer, startS3TestServer } from '../support/s3-test-server.js';
import { type StickyProxy, startStickyProxy } from '../support/sticky-proxy.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { replicaEnvOf, startTestApp, type TestApp } from '../support/test-app.js';
import { metadataFor, PDF } from '../fixtures/uploads.js';
import { collectBytes } from '../support/http.js';

const HMAC_KEY = 'topology-test-patient-id-key-0123456789';

/**
 * docker/compose.yml as plain processes: PostgreSQL, an S3 object store, two hub replicas (JOBS_ENABLED=false,
 * SOCKET_ADAPTER=postgres; replica 0 in this process, replica 1 the compiled hub in its own), a worker for the
 * background jobs, and a reverse proxy that keeps each client address on one replica. Every client talks to the proxy
 * only, from a loopback address of its own.
 */
describe('the compose topology as plain processes: sticky proxy, two hub replicas, a worker, PostgreSQL, S3', () => {
  let build: HubBuild;
  let s3: S3TestServer;
  let replica0: TestApp;
  let replica1: HubProcess;
  let worker: HubProcess;
  let proxy: StickyProxy;
  let tenant: Tenant;
  let replica1Data: string;
  const agents: http.Agent[] = [];

  /** A client at its own loopback address, so the proxy's address hash decides its replica. */
  const clientAt = (address: string) => {
    const agent = new http.Agent({ keepAlive: true, localAddress: address });
    agents.push(agent);
    return {
      address,
      agent,
      get: (url: string, token: string) => request(proxy.url).get(url).agent(agent).auth(token, { type: 'bearer' }),
      post: (url: string, token: string) => request(proxy.url).post(url).agent(agent).auth(token, { type: 'bearer' }),
      put: (url: string, token: string) => request(proxy.url).put(url).agent(agent).auth(token, { type: 'bearer' }),
    };
  };
  /** The first loopback address from 127.0.0.2 that the proxy sends to this replica. */
  const addressOn = (replica: number) => {
    for (let host = 2; host < 250; host++) {
      if (proxy.backendFor(`127.0.0.${host}`) === replica) return `127.0.0.${host}`;
    }
    throw new Error(`no loopback address hashes to replica ${replica}`);
  };

  beforeAll(async () => {
    build = await buildHub();
    s3 = await startS3TestServer();
    const shared = {
      ...s3EnvOf(s3),
      PATIENT_ID_HMAC_KEY: HMAC_KEY,
      SOCKET_ADAPTER: 'postgres',
      JOBS_ENABLED: 'false',
      TRUST_PROXY: '1',
    };
    replica0 = await startTestApp(shared);
    // Each replica has a data folder of its own, as each container has: only the database and the store are shared.
    replica1Data = await mkdtemp(path.join(os.tmpdir(), 'hub-topology-'));
    const processEnv = replicaEnvOf(replica0, { ...shared, DATA_DIR: replica1Data });
    replica1 = await startHubProcess(build.entry, processEnv);
    worker = await startWorkerProcess(build.workerEntry, {
      ...processEnv,
      JOBS_ENABLED: 'true',
      AUDIT_SEAL_INTERVAL_MS: '100',
    });
    const address = replica0.http.address();
    if (!address || typeof address === 'string') throw new Error('replica 0 is not listening on a port');
    proxy = await startStickyProxy([`http://127.0.0.1:${address.port}`, replica1.url]);
    tenant = await createTenant(replica0);
  }, 240_000);

  afterAll(async () => {
    for (const agent of agents) agent.destroy();
    await proxy?.close();
    await worker?.stop();
    await replica1?.stop();
    await replica0?.close();
    await s3?.stop();
    await build?.remove();
    if (replica1Data) await rm(replica1Data, { recursive: true, force: true });
  });

  it('stores a study through one replica and serves it byte for byte through the other', async () => {
    const technician = clientAt(addressOn(0));
    const doctor = clientAt(addressOn(1));
    const { files, sopInstanceUids } = await ctSeriesFromFixture(4);
    const stored = await technician
      .post('/dicomweb/studies', tenant.tokens.clinic_technician)
      .set('Content-Type', stowContentType('topo'))
      .send(
        multipartRelated(
          files.map((body) => ({ body })),
          'topo',
        ),
      );
    expect(stored.status).toBe(200);

    const found = await doctor.get(
      `/dicomweb/instances?SOPInstanceUID=${sopInstanceUids[2]}`,
      tenant.tokens.clinic_doctor,
    );
    expect(found.status).toBe(200);
    const [hit] = found.body as Record<string, { Value: string[] }>[];
    const [study, series] = [hit!['0020000D']!.Value[0], hit!['0020000E']!.Value[0]];
    const wado = await doctor
      .get(`/dicomweb/studies/${study}/series/${series}/instances/${sopInstanceUids[2]}`, tenant.tokens.clinic_doctor)
      .set('Accept', 'multipart/related; type="application/dicom"')
      .buffer(true)
      .parse(collectBytes);
    expect(wado.status).toBe(200);
    expect((wado.body as Buffer).indexOf(files[2]!)).toBeGreaterThan(0);

    // Both replicas served this client pair, and each address stayed on its replica.
    expect(proxy.routes.get(technician.address)).toEqual(new Set([0]));
    expect(proxy.routes.get(doctor.address)).toEqual(new Set([1]));
  });

  it('tells the clinic on one replica, over long-polling upgraded to WebSocket, that a reader on the other signed', async () => {
    const clinic = clientAt(addressOn(1));
    const readers = clientAt(addressOn(0));
    // socket.io's default transports: the long-polling handshake and the upgrade must reach the same replica.
    const socket = io(`${proxy.url}/events`, {
      auth: { token: tenant.tokens.clinic_doctor },
      agent: clinic.agent as unknown as string,
      reconnection: false,
      forceNew: true,
    });
    try {
      const signed: Record<string, unknown>[] = [];
      socket.on('report.signed' as never, (payload: Record<string, unknown>) => {
        signed.push(payload);
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('ready' as never, () => resolve());
        socket.once('connect_error', reject);
      });
      await eventually('the socket to upgrade to WebSocket', async () =>
        socket.io.engine.transport.name === 'websocket' ? true : undefined,
      );

      const upload = await clinic
        .post('/api/studies', tenant.tokens.clinic_doctor)
        .field('metadata', JSON.stringify(metadataFor('ecg', { localId: 'TOPO-1', name: '拓扑^测试' })))
        .attach('files', PDF, { filename: 'ecg.pdf', contentType: 'application/pdf' });
      expect(upload.status).toBe(201);
      const req = await clinic
        .post('/api/requests', tenant.tokens.clinic_doctor)
        .send({ studyId: upload.body.id as string, priority: 'stat' });
      expect(req.status).toBe(201);
      const taskId = req.body.task.id as string;
      const claim = async (token: string, stage: 'read' | 'review') => {
        const res = await readers.post(`/api/centres/${tenant.centreIds.ecg}/claim`, token).send({ stage });
        expect(res.status).toBe(200);
        return res.body.fencingToken as number;
      };
      const fencingToken = await claim(tenant.tokens.reader, 'read');
      await readers
        .put(`/api/tasks/${taskId}/report`, tenant.tokens.reader)
        .send({ fencingToken, findings: '窦性心律。', impression: '正常心电图' })
        .expect(200);
      await readers.post(`/api/tasks/${taskId}/submit`, tenant.tokens.reader).send({ fencingToken }).expect(200);
      const review = await claim(tenant.tokens.senior_reader, 'review');
      await readers
        .post(`/api/tasks/${taskId}/sign`, tenant.tokens.senior_reader)
        .send({ fencingToken: review })
        .expect(200);

      await eventually('the clinic to hear the signature', async () =>
        signed.some((p) => p['taskId'] === taskId) ? true : undefined,
      );
      expect(socket.io.engine.transport.name).toBe('websocket');
      expect(proxy.routes.get(clinic.address)).toEqual(new Set([1]));
      expect(proxy.routes.get(readers.address)).toEqual(new Set([0]));
    } finally {
      socket.close();
    }
  });

  it('leaves the background jobs to the worker: the audit events of both replicas are sealed into the chain', async () => {
    const auditor = clientAt(addressOn(1));
    await auditor.get('/api/audit', tenant.tokens.auditor).expect(200);
    const [{ last }] = (await replica0.sql<{ last: string }>('SELECT max(id)::text AS last FROM audit_events')) as [
      { last: string },
    ];
    await eventually('the worker to seal every event', async () => {
      const unsealed = await replica0.sql('SELECT 1 FROM audit_unsealed WHERE event_id <= $1', [last]);
      return unsealed.length === 0 ? true : undefined;
    });
    const ready = await auditor.get('/health/ready', tenant.tokens.auditor);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ details: { database: { status: 'up' }, storage: { status: 'up' } } });
  });
});
