import * as grpc from '@grpc/grpc-js';

/**
 * A minimal gRPC server on loopback that answers Temporal's WorkflowService calls a connection check
 * makes (GetSystemInfo, DescribeNamespace) with empty messages — a valid protobuf for any response
 * type. Enough to test `br doctor` against a reachable server; not a workflow engine.
 */
export interface FakeTemporal {
  address: string;
  calls: string[];
  close(): Promise<void>;
}

const SERVICE = '/temporal.api.workflowservice.v1.WorkflowService/';

export async function startFakeTemporal(options: { failNamespace?: boolean } = {}): Promise<FakeTemporal> {
  const calls: string[] = [];
  const server = new grpc.Server();
  const passthrough = (b: Buffer) => b;
  const method = (name: string) => ({
    path: `${SERVICE}${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: passthrough,
    requestDeserialize: passthrough,
    responseSerialize: passthrough,
    responseDeserialize: passthrough,
  });
  const definition = {
    GetSystemInfo: method('GetSystemInfo'),
    DescribeNamespace: method('DescribeNamespace'),
  };
  server.addService(definition, {
    GetSystemInfo: (_call: unknown, callback: grpc.sendUnaryData<Buffer>) => {
      calls.push('GetSystemInfo');
      callback(null, Buffer.alloc(0));
    },
    DescribeNamespace: (_call: unknown, callback: grpc.sendUnaryData<Buffer>) => {
      calls.push('DescribeNamespace');
      if (options.failNamespace)
        callback({ code: grpc.status.NOT_FOUND, details: 'Namespace default is not found.' });
      else callback(null, Buffer.alloc(0));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
