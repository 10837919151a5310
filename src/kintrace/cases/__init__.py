"""kintrace.cases"""
