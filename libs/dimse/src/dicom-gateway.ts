import net from 'node:net';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import dimse from 'dcmjs-dimse';
import { HUB_CONFIG, type HubConfig } from '@hub/core';
import { DicomAssociations } from './dicom-associations.js';
import { HubScp } from './scp/hub-scp.js';

// dcmjs-dimse logs every association and can log data sets: patient data stays out of the logs.
dimse.log.setLevel('silent');

const SCP_OPTIONS = {
  // Milliseconds: a peer that connects and sends no association request, stops sending PDUs, or leaves the socket idle
  // is let go.
  associationTimeout: 30_000,
  pduTimeout: 60_000,
  connectTimeout: 60_000,
};

/** The DICOM port (DICOM_PORT, AE title DICOM_AE_TITLE): one HubScp per TCP connection. */
@Injectable()
export class DicomGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DicomGateway');
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly associations: DicomAssociations,
  ) {}

  /** The port listened on (DICOM_PORT, or the one the system chose for 0); null when the gateway is off. */
  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.DICOM_ENABLED) return;
    const server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      const scp = new HubScp(socket, this.associations, SCP_OPTIONS);
      scp.on('networkError', () => socket.destroy());
    });
    // Connections past twice the association limit are not even read; below it, the extra ones get a polite reject.
    server.maxConnections = this.config.DICOM_MAX_ASSOCIATIONS * 2;
    const host = this.config.DICOM_HOST ?? this.config.HOST;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.DICOM_PORT, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.logger.error(`DICOM listener: ${err.message}`));
    this.server = server;
    this.logger.log(`DICOM gateway listening on ${host}:${this.port} as ${this.config.DICOM_AE_TITLE}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
