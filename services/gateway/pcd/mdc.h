// The IEEE 11073 MDC terms and UCUM units the gateway reads and writes, as
// the IHE PCD examples use them (see ../shared/interop/hl7v2/SOURCES.md). A
// term matches by its numeric code (where one is known) or by its reference
// id, also in the provisional "MDCX_" spelling of the IPEC 1.2 supplement,
// whose examples carry the placeholder code 0. Several concepts changed code
// between the IPEC 1.2 and the TF 9 pump models: both are accepted, and KIP
// writes the current ones. One home for every code: callers ask here.
#ifndef KIP_SERVICES_GATEWAY_PCD_MDC_H_
#define KIP_SERVICES_GATEWAY_PCD_MDC_H_

#include <string>

#include "services/gateway/hl7/er7.h"

namespace kip::pcd {

struct MdcTerm {
  int code;         // 0: no numeric code known to KIP; matched by name only
  const char* ref;  // e.g. "MDC_FLOW_FLUID_PUMP"
};

// Observations (OBX-3).
inline constexpr MdcTerm kFlowRate = {157784, "MDC_FLOW_FLUID_PUMP"};
inline constexpr MdcTerm kFlowRateCurrent = {158014,
                                             "MDC_FLOW_FLUID_PUMP_CURRENT"};
inline constexpr MdcTerm kVolumeDelivered = {157864, "MDC_VOL_FLUID_DELIV"};
inline constexpr MdcTerm kVolumeDeliveredTotal = {157993,
                                                  "MDC_VOL_FLUID_DELIV_TOTAL"};
inline constexpr MdcTerm kDrugNameType = {184330, "MDC_DRUG_NAME_TYPE"};
inline constexpr MdcTerm kDrugNameLabel = {184514, "MDC_DRUG_NAME_LABEL"};
inline constexpr MdcTerm kDrugConcentration = {157760, "MDC_CONC_DRUG"};
inline constexpr MdcTerm kPumpStatus = {184508, "MDC_PUMP_STAT"};
inline constexpr MdcTerm kPumpInfusingStatus = {184519,
                                                "MDC_PUMP_INFUSING_STATUS"};
inline constexpr MdcTerm kEventCondition = {68487, "MDC_ATTR_EVT_COND"};
inline constexpr MdcTerm kPumpMds = {69985, "MDC_DEV_PUMP_INFUS_MDS"};
inline constexpr MdcTerm kLvpMds = {70049, "MDC_DEV_PUMP_INFUS_LVP_MDS"};
inline constexpr MdcTerm kAlarm = {196616, "MDC_EVT_ALARM"};
inline constexpr MdcTerm kEventPhase = {68481, "MDC_ATTR_EVENT_PHASE"};
inline constexpr MdcTerm kAlarmState = {68482, "MDC_ATTR_ALARM_STATE"};

// Event conditions (OBX-5 of the event-condition OBX). Only the start's
// numeric code appears in the IHE examples; stop and complete match by name,
// spelt as the IPEC examples spell them.
inline constexpr MdcTerm kEventDeliveryStart = {197288,
                                                "MDC_EVT_PUMP_DELIV_START"};
inline constexpr MdcTerm kEventDeliveryStop = {0, "MDC_EVT_PUMP_DELIV_STOP"};
inline constexpr MdcTerm kEventDeliveryComplete = {0,
                                                   "MDC_EVT_PUMP_DELIV_COMP"};

// Units (OBX-6): the MDC code and the UCUM code.
struct Unit {
  MdcTerm mdc;
  const char* ucum;
};
inline constexpr Unit kMlPerHour = {{265266, "MDC_DIM_MILLI_L_PER_HR"}, "mL/h"};
inline constexpr Unit kMgPerMl = {{264306, "MDC_DIM_MILLI_G_PER_ML"}, "mg/mL"};
inline constexpr Unit kMl = {{263762, "MDC_DIM_MILLI_L"}, "mL"};
inline constexpr Unit kMg = {{263890, "MDC_DIM_MILLI_G"}, "mg"};
inline constexpr Unit kKg = {{263875, "MDC_DIM_KILO_G"}, "kg"};
// The pump VMD whose OBX-18 names the pump an order is for (PCD-03).
inline constexpr MdcTerm kPumpVmd = {69986, "MDC_DEV_PUMP_INFUS_VMD"};
inline constexpr MdcTerm kPatientWeight = {68063, "MDC_ATTR_PT_WEIGHT"};

// "code^name^MDC^ucum^ucum^UCUM", as the IHE examples write a unit.
std::string UnitField(const Unit& unit);
// "code^name^MDC".
std::string TermField(const MdcTerm& term);
// No MDC code for mg/kg/h is in the IHE material KIP works from: a weight-
// based ketamine rate is sent with its UCUM code only ("mg/kg/h").
inline constexpr char kUcumMgPerKgPerHour[] = "mg/kg/h";

// True when the coded element at `field` (code^name^system^alt-code^alt-name^
// alt-system) of `segment` names `term`, by code or by reference id (spaces
// around either are ignored: the IHE examples carry some).
bool Names(const hl7::Segment& segment, size_t field, const MdcTerm& term);
// True when the unit at `field` is `unit`: its MDC code or name, or its UCUM
// code in either triple.
bool IsUnit(const hl7::Segment& segment, size_t field, const Unit& unit);

}  // namespace kip::pcd

#endif  // KIP_SERVICES_GATEWAY_PCD_MDC_H_
