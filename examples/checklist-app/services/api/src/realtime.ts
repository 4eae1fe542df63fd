import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';

// live job progress for the dashboard
export function attachRealtime(httpServer: HttpServer) {
  const io = new Server(httpServer, { path: '/realtime' });

  io.on('connection', (socket) => {
    socket.on('subscribe', (jobId: string) => socket.join(`job:${jobId}`));
  });

  return io;
}
