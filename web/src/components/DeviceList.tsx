import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api';
import { deviceId } from '../device';

interface Device {
  deviceId: string;
  name: string;
  type: string;
  registeredAt: string;
  lastSeenAt: string;
  streaming: boolean;
}

/** The devices registered to this account (each plan allows a few); removing one frees its place. */
export function DeviceList() {
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);

  const load = () => {
    api<{ items: Device[] }>('/api/v1/account/devices', { auth: 'account' })
      .then((r) => setDevices(r.items))
      .catch((e) => setError(errorMessage(e)));
  };
  useEffect(load, []);

  const remove = async (d: Device) => {
    setRemoving(d.deviceId);
    setError(null);
    try {
      await api(`/api/v1/account/devices/${encodeURIComponent(d.deviceId)}`, { method: 'DELETE', auth: 'account' });
      setDevices((list) => (list ?? []).filter((x) => x.deviceId !== d.deviceId));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setRemoving(null);
    }
  };

  if (!devices || devices.length === 0) return error ? <div className="alert" role="alert">{error}</div> : null;
  const here = deviceId();
  return (
    <section className="device-list" data-testid="device-list">
      <h2>Your devices</h2>
      {error && (
        <div className="alert" role="alert">
          {error}
        </div>
      )}
      <ul>
        {devices.map((d) => (
          <li key={d.deviceId} data-testid="device">
            <span>
              {d.name}
              {d.deviceId === here ? ' (this browser)' : ''}
              {d.streaming ? ' · streaming now' : ''}
            </span>
            <small>last used {new Date(d.lastSeenAt).toLocaleDateString()}</small>
            <button className="btn btn-link" data-testid="device-remove" disabled={removing !== null} onClick={() => void remove(d)}>
              {removing === d.deviceId ? 'Removing…' : 'Remove'}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
