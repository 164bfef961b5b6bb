'use strict';
const http = require('node:http');
const { TodoStore } = require('./store');

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function createServer(store = new TodoStore()) {
  return http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/todos') return send(res, 200, store.list());
    if (req.method === 'POST' && req.url === '/todos') {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        try {
          const { title } = JSON.parse(raw || '{}');
          send(res, 201, store.create(title));
        } catch (err) {
          send(res, 400, { error: err.message });
        }
      });
      return undefined;
    }
    return send(res, 404, { error: 'not found' });
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT || 3000);
  createServer().listen(port, () => console.log(`todo-api listening on ${port}`));
}

module.exports = { createServer };
