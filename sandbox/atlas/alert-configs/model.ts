/** A notification as stored: the validated fields, credentials in clear, plus its notifierId. */
export type StoredNotification = Record<string, unknown> & {
  typeName: string;
  notifierId: string;
  delayMin: number;
};

export interface Matcher {
  fieldName: string;
  operator: string;
  value?: string;
}

/** The client-controlled part of an alert configuration. */
export interface AlertConfigDoc {
  eventTypeName: string;
  enabled: boolean;
  matchers: Matcher[];
  threshold?: Record<string, unknown>;
  metricThreshold?: Record<string, unknown>;
  severityOverride?: string;
  notifications: StoredNotification[];
}

export interface AlertConfig {
  id: string;
  groupId: string;
  created: string;
  updated: string;
  doc: AlertConfigDoc;
}
