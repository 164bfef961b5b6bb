-- BuildRunner's own database beside Temporal's, on the same PostgreSQL instance.
CREATE DATABASE buildrunner OWNER temporal;
