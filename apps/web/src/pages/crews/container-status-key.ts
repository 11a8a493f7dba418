/** The query key of a crew's container status, shared by the list, the detail page and live updates. */
export function containerStatusKey(crewId: string) {
  return ['crews', 'container', crewId] as const;
}
